/**
 * A person filling in an n8n form: open the form page n8n renders for a Form Trigger, fill its fields,
 * and submit it the way the page's own script does (n8n's templates/form-trigger.handlebars, 2.8 and
 * 2.41): a multipart POST back to the page's URL, with one part per control of `<form id="n8n-form">`
 * in document order (every non-file control as `name=value`, buttons included with an empty name and
 * value; every chosen file as a file part; nothing for a file input left empty).
 *
 * runFormWorkflow() does the whole round for a workflow imported into a sandbox: publish it, `n8n start`,
 * submit its form on the production URL (/form/<path>), stop n8n.
 */
import { readFileSync } from 'fs';
import { basename } from 'path';

import type { ExecuteResult, N8nSandbox, N8nWorkflow } from './e2e';
import { N8nServer, sleepMs } from './server';

export interface FormFile {
	name: string;
	content: Buffer;
	mimeType: string;
}

/** What the person enters, by the fields' labels as the form shows them. */
export interface FormAnswers {
	files?: Record<string, FormFile>;
	text?: Record<string, string>;
}

export interface FormControl {
	tag: 'input' | 'select' | 'textarea' | 'button';
	/** The `name` attribute ('' when it has none: FormData then sends a part with an empty name). */
	name: string;
	type: string;
	value: string;
	/** The text of the `<label for=...>` of the control's id. */
	label?: string;
}

export interface FormAnswer {
	status: number;
	body: string;
}

function attributes(tag: string): Record<string, string> {
	const found: Record<string, string> = {};
	for (const match of tag.matchAll(/([\w-]+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^\s'">]+))/g)) {
		found[match[1].toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? '';
	}
	return found;
}

function decodeEntities(text: string): string {
	return text
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#x27;|&#39;/g, "'")
		.replace(/&#x3D;/g, '=')
		.replace(/&amp;/g, '&');
}

/** The opening tag of the form n8n's form-trigger page holds. */
const FORM_TAG = /<form\b[^>]*\bid=['"]n8n-form['"]/;

/** The controls of the page's `<form id="n8n-form">`, in document order (the browser's `form.elements`). */
export function formControls(html: string): FormControl[] {
	const start = html.search(FORM_TAG);
	if (start < 0) throw new Error('the page holds no n8n form (<form id="n8n-form">)');
	const end = html.indexOf('</form>', start);
	const form = html.slice(start, end < 0 ? undefined : end);
	const labels = new Map<string, string>();
	for (const match of form.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/g)) {
		const target = attributes(match[1]).for;
		if (target) labels.set(target, decodeEntities(match[2].replace(/<[^>]*>/g, '').trim()));
	}
	const controls: FormControl[] = [];
	for (const match of form.matchAll(/<(input|select|textarea|button)\b([^>]*)>/g)) {
		const tag = match[1] as FormControl['tag'];
		const attrs = attributes(match[2]);
		controls.push({
			tag,
			name: attrs.name ?? '',
			type: (attrs.type ?? (tag === 'button' ? 'submit' : tag === 'input' ? 'text' : tag)).toLowerCase(),
			value: decodeEntities(attrs.value ?? ''),
			label: attrs.id ? labels.get(attrs.id) : undefined,
		});
	}
	return controls;
}

/** The multipart body the page's script builds from the controls and the answers. */
export function formBody(controls: FormControl[], answers: FormAnswers): FormData {
	const body = new FormData();
	const unused = new Set([...Object.keys(answers.files ?? {}), ...Object.keys(answers.text ?? {})]);
	for (const control of controls) {
		const label = control.label ?? '';
		if (control.type === 'file') {
			const file = answers.files?.[label];
			unused.delete(label);
			// The script skips empty files, as a browser sends none for an empty file input.
			if (file && file.content.length > 0) body.append(control.name, new Blob([file.content], { type: file.mimeType }), file.name);
			continue;
		}
		const text = answers.text?.[label];
		if (text !== undefined) unused.delete(label);
		body.append(control.name, text ?? control.value);
	}
	if (unused.size) throw new Error(`the form has no field labelled ${[...unused].map((label) => `"${label}"`).join(', ')}`);
	return body;
}

/**
 * GET the form page until n8n serves it (a published workflow's form is registered after /healthz
 * answers), then POST the answers. The POST answers when the workflow is done if the trigger's
 * "Respond When" is "Workflow Finishes" (200, or 500 "Error in workflow").
 */
export async function submitForm(url: string, answers: FormAnswers, timeoutMs = 120_000): Promise<FormAnswer> {
	const deadline = Date.now() + timeoutMs;
	let html: string | undefined;
	let last = '';
	while (Date.now() < deadline) {
		try {
			const page = await fetch(url);
			const text = await page.text();
			// Until the form is registered, n8n may answer 200 with its editor's page: wait for the form itself.
			if (page.status === 200 && FORM_TAG.test(text)) {
				html = text;
				break;
			}
			last = `HTTP ${page.status}: ${text.slice(0, 200)}`;
		} catch (error) {
			last = (error as Error).message;
		}
		await sleepMs(500);
	}
	if (html === undefined) throw new Error(`n8n did not serve the form ${url} in ${timeoutMs / 1000}s (${last})`);
	const body = formBody(formControls(html), answers);
	const response = await fetch(url, { method: 'POST', body });
	return { status: response.status, body: await response.text() };
}

/** The production path of a workflow's Form Trigger: Form Path (options.path, or path before 2.2), else the webhook id. */
export function formPath(workflow: N8nWorkflow): string {
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.formTrigger');
	if (!trigger) throw new Error(`workflow "${workflow.name}" has no Form Trigger`);
	const options = (trigger.parameters.options ?? {}) as { path?: string };
	const path = (trigger.parameters.path as string | undefined) || options.path || (trigger.webhookId as string | undefined);
	if (!path) throw new Error(`the Form Trigger of "${workflow.name}" has neither a Form Path nor a webhook id`);
	return path;
}

export function hasFormTrigger(workflow: N8nWorkflow): boolean {
	return workflow.nodes.some((node) => node.type === 'n8n-nodes-base.formTrigger');
}

/** Answers that put one file from disk into every file field of the workflow's Form Trigger (by its label). */
export function fileForEveryFileField(workflow: N8nWorkflow, path: string, mimeType: string): FormAnswers {
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.formTrigger');
	const fields = ((trigger?.parameters.formFields as { values?: Array<{ fieldType?: string; fieldLabel?: string }> } | undefined)?.values ?? []);
	const file: FormFile = { name: basename(path), content: readFileSync(path), mimeType };
	return { files: Object.fromEntries(fields.filter((field) => field.fieldType === 'file').map((field) => [field.fieldLabel ?? '', file])) };
}

export interface FormRun extends FormAnswer {
	/** What `n8n start` printed while it served the form. */
	log: string;
}

/**
 * A form run as the result of `n8n execute` (no run data: n8n sends none back to a form): success is
 * HTTP 200, what a "Workflow Finishes" form answers once the workflow succeeded.
 */
export function formRunResult(run: FormRun): ExecuteResult {
	const ok = run.status === 200;
	return { code: ok ? 0 : 1, signal: null, stdout: run.log, stderr: '', error: ok ? undefined : `the form answered HTTP ${run.status}: ${run.body.slice(0, 500)}` };
}

/**
 * Publishes an imported workflow, starts n8n, submits the workflow's form on its production URL, and
 * stops n8n again. Another workflow left published in the sandbox would be activated too.
 */
export async function runFormWorkflow(sandbox: N8nSandbox, id: string, workflow: N8nWorkflow, answers: FormAnswers): Promise<FormRun> {
	const published = await sandbox.n8n(['publish:workflow', `--id=${id}`]);
	if (published.code !== 0) throw new Error(`n8n publish:workflow --id=${id} failed (exit ${published.code}):\n${published.stdout.slice(-2000)}\n${published.stderr.slice(-2000)}`);
	const server = await N8nServer.start(sandbox, `n8n-form-${id}.log`);
	try {
		const answer = await submitForm(`${server.baseUrl}/form/${formPath(workflow)}`, answers);
		return { ...answer, log: server.log() };
	} finally {
		await server.stop();
		await sandbox.n8n(['unpublish:workflow', `--id=${id}`]);
	}
}
