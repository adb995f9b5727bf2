/**
 * Each CRM node inside REAL n8n (both versions of scripts/n8n/versions.env), against its fake CRM:
 * one example workflow per CRM from examples/, credentials imported through the n8n CLI.
 * To add a CRM: an example in examples/, a case in test/e2e/cases/, one line in the table below.
 */
import { espoCrmUploadCase } from './cases/espoCrm';
import { describeInN8n } from './inN8n';

describeInN8n('CRM nodes', [espoCrmUploadCase()]);
