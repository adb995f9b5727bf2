import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * n8n reads its settings from the environment when its services are first created: this module
 * must be imported before anything from n8n-core so every test process gets its own user folder
 * and binary store.
 */
const root = mkdtempSync(join(tmpdir(), 'crm-attachments-n8n-'));

process.env.N8N_USER_FOLDER ??= root;
process.env.N8N_ENCRYPTION_KEY ??= 'test-encryption-key-not-a-secret';
process.env.N8N_BINARY_DATA_STORAGE_PATH ??= join(root, 'binaryData');
process.env.N8N_AVAILABLE_BINARY_DATA_MODES ??= 'filesystem';
process.env.N8N_DEFAULT_BINARY_DATA_MODE ??= 'filesystem';
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';

export const testRoot = root;
