import { formBody, formControls, formPath } from '../../../scripts/n8n/formSubmission';

/** A page in the shape n8n's templates/form-trigger.handlebars renders (2.8.4 and 2.41.1): a file and a text field. */
const PAGE = `
<html><body>
<form class='card' action='#' method='POST' name='n8n-form' id='n8n-form' novalidate>
	<div class='form-group file-input-wrapper'>
		<label class='form-label form-required' for='field-0'>Contract file</label>
		<input class='form-input form-required' type='file' id='field-0' name='field-0' accept='.pdf, .docx' placeholder="" />
		<button class="clear-button">&times;</button>
	</div>
	<div class='form-group'>
		<label class='form-label ' for='field-1'>Document name &amp; version</label>
		<input class='form-input ' type='text' id='field-1' name='field-1' value="draft" placeholder="Leave empty" />
	</div>
	<input type="hidden" id="field-2" name="field-2" value="from-page" />
	<button id='submit-btn' type='submit'><span>...</span> Upload </button>
</form>
<input id="useResponseData" style="display: none;" value=false />
</body></html>`;

function parts(body: FormData): Array<[string, string]> {
	return [...body.entries()].map(([name, value]) => [name, typeof value === 'string' ? value : `file ${value.name} ${value.type} ${value.size}`]);
}

describe('formControls', () => {
	it('reads the controls of the n8n form in document order, with their labels, and nothing outside it', () => {
		expect(formControls(PAGE)).toEqual([
			{ tag: 'input', name: 'field-0', type: 'file', value: '', label: 'Contract file' },
			{ tag: 'button', name: '', type: 'submit', value: '', label: undefined },
			{ tag: 'input', name: 'field-1', type: 'text', value: 'draft', label: 'Document name & version' },
			{ tag: 'input', name: 'field-2', type: 'hidden', value: 'from-page', label: undefined },
			{ tag: 'button', name: '', type: 'submit', value: '', label: undefined },
		]);
	});

	it('refuses a page without an n8n form', () => {
		expect(() => formControls('<html><form id="other"></form></html>')).toThrow('the page holds no n8n form');
	});
});

describe('formBody', () => {
	const file = { name: 'Vertrag Müller.pdf', content: Buffer.alloc(300, 1), mimeType: 'application/pdf' };

	it("builds the parts the page's script sends: every control in order, buttons with an empty name, the file as a file", () => {
		const body = formBody(formControls(PAGE), { files: { 'Contract file': file }, text: { 'Document name & version': 'v2' } });
		expect(parts(body)).toEqual([
			['field-0', 'file Vertrag Müller.pdf application/pdf 300'],
			['', ''],
			['field-1', 'v2'],
			['field-2', 'from-page'],
			['', ''],
		]);
	});

	it('sends no part for a file field left empty or given an empty file, and the default of an unanswered text field', () => {
		expect(parts(formBody(formControls(PAGE), {}))).toEqual([['', ''], ['field-1', 'draft'], ['field-2', 'from-page'], ['', '']]);
		const empty = { ...file, content: Buffer.alloc(0) };
		expect(parts(formBody(formControls(PAGE), { files: { 'Contract file': empty } }))[0]).toEqual(['', '']);
	});

	it('refuses an answer for a label the form does not have', () => {
		expect(() => formBody(formControls(PAGE), { text: { 'Account ID': 'x' } })).toThrow('the form has no field labelled "Account ID"');
	});
});

describe('formPath', () => {
	const workflow = (parameters: Record<string, unknown>, webhookId?: string) => ({
		name: 'w',
		connections: {},
		nodes: [{ name: 'On form submission', type: 'n8n-nodes-base.formTrigger', parameters, webhookId }],
	});

	it('is the Form Path (options.path from 2.2, path before), else the webhook id', () => {
		expect(formPath(workflow({ options: { path: 'espocrm-contract' } }, 'abc'))).toBe('espocrm-contract');
		expect(formPath(workflow({ path: 'old-style' }, 'abc'))).toBe('old-style');
		expect(formPath(workflow({ options: {} }, 'abc'))).toBe('abc');
	});
});
