/**
 * Each CRM node inside REAL n8n (both versions of scripts/n8n/versions.env), against its fake CRM:
 * one example workflow per CRM from examples/, credentials imported through the n8n CLI.
 * To add a CRM: an example in examples/, a case in test/e2e/cases/, one line in the table below.
 */
import { useS3 } from '../rig/useS3';
import { closeNoteCase } from './cases/closeCrm';
import { espoCrmUploadCase } from './cases/espoCrm';
import { zohoToEspoCrmMigrationCase } from './cases/migration';
import { onePageCrmUploadCase } from './cases/onePageCrm';
import { traffioUploadCase } from './cases/traffio';
import { zohoUploadCase } from './cases/zohoCrm';
import { describeInN8n } from './inN8n';

const s3 = useS3();

describeInN8n('CRM nodes', [
	espoCrmUploadCase(),
	onePageCrmUploadCase(s3),
	closeNoteCase(s3),
	traffioUploadCase(s3),
	zohoUploadCase(),
	zohoToEspoCrmMigrationCase(),
]);
