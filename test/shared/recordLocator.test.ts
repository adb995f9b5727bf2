import type { ILoadOptionsFunctions } from 'n8n-workflow';

import type { RecordLocator } from '../../nodes/shared/recordLocator';
import {
	currentParameterText,
	LOCATOR_VERSION,
	listItem,
	matchesFilter,
	NODE_VERSIONS,
	recordLocatorProperties,
} from '../../nodes/shared/recordLocator';

const contact: RecordLocator = {
	name: 'contactId',
	displayName: 'Contact ID',
	description: 'The contact to attach the file to',
	searchListMethod: 'searchContacts',
	idExample: '5f3e...',
};

const before = { show: { '@version': [{ _cnd: { lt: 3 } }] } };
const withLocators = { show: { '@version': [{ _cnd: { gte: 3 } }] } };

describe('recordLocatorProperties', () => {
	it('gives a plain text field before typeVersion 3 and a locator (From List, By ID) from 3, under one name', () => {
		expect(LOCATOR_VERSION).toBe(3);
		expect(NODE_VERSIONS).toEqual([1, 2, 3]);
		expect(recordLocatorProperties(contact)).toEqual([
			{
				displayName: 'Contact ID',
				name: 'contactId',
				required: true,
				description: 'The contact to attach the file to',
				type: 'string',
				default: '',
				placeholder: 'e.g. 5f3e...',
				displayOptions: before,
			},
			{
				displayName: 'Contact ID',
				name: 'contactId',
				required: true,
				description: 'The contact to attach the file to',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						placeholder: 'Select a contact...',
						typeOptions: { searchListMethod: 'searchContacts', searchable: true },
					},
					{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 5f3e...' },
				],
				displayOptions: withLocators,
			},
		]);
	});

	it('adds By URL with an unanchored validation and the extracting regex, the list\'s dependencies, a hint and the legacy field\'s own settings', () => {
		const lead: RecordLocator = {
			...contact,
			name: 'leadId',
			displayName: 'Lead',
			required: false,
			url: { placeholder: 'https://app.close.com/lead/lead_abc/', regex: 'close\\.com/lead/(lead_[A-Za-z0-9]+)', what: 'a Close lead URL' },
			dependsOn: ['organizationId'],
			hint: 'Pick the lead',
		};
		const [legacy, locator] = recordLocatorProperties(lead, { description: 'The old text', typeOptions: { password: false } });
		expect(legacy).toMatchObject({ required: false, hint: 'Pick the lead', description: 'The old text', typeOptions: { password: false }, displayOptions: before });
		expect(locator.required).toBe(false);
		expect(locator.hint).toBe('Pick the lead');
		expect(locator.description).toBe('The contact to attach the file to');
		expect(locator.typeOptions).toEqual({ loadOptionsDependsOn: ['organizationId'] });
		expect(locator.displayOptions).toEqual(withLocators);
		expect(locator.modes?.map((mode) => mode.placeholder)).toEqual(['Select a lead...', 'e.g. 5f3e...', 'e.g. https://app.close.com/lead/lead_abc/']);
		expect(locator.modes?.[2]).toEqual({
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://app.close.com/lead/lead_abc/',
			validation: [
				{ type: 'regex', properties: { regex: '.*close\\.com/lead/(lead_[A-Za-z0-9]+).*', errorMessage: 'Not a Close lead URL' } },
			],
			extractValue: { type: 'regex', regex: 'close\\.com/lead/(lead_[A-Za-z0-9]+)' },
		});
		// The By URL regex extracts the id from a pasted URL.
		expect(new RegExp(locator.modes![2].extractValue!.regex).exec('https://app.close.com/lead/lead_abc/')?.[1]).toBe('lead_abc');
	});

	it('says "an" before a vowel, whatever its case, and keeps an ID that is not the last word', () => {
		const placeholderOf = (displayName: string) => recordLocatorProperties({ ...contact, displayName })[1].modes?.[0].placeholder;
		const names = ['Attachment ID', 'entity', 'Record', 'ID Card', 'Contact ID Card'];
		expect(names.map(placeholderOf)).toEqual([
			'Select an attachment...',
			'Select an entity...',
			'Select a record...',
			'Select an id card...',
			'Select a contact id card...',
		]);
	});

	it('has no hint and no dependencies where none are given', () => {
		const [legacy, locator] = recordLocatorProperties(contact);
		expect('hint' in legacy).toBe(false);
		expect('hint' in locator).toBe(false);
		expect('typeOptions' in locator).toBe(false);
	});
});

describe('list helpers', () => {
	it('matches a filter as a case-insensitive "contains" over text values, and everything without one', () => {
		expect(matchesFilter(undefined, 'Acme')).toBe(true);
		expect(matchesFilter('', 'Acme')).toBe(true);
		expect(matchesFilter('cme', 'Acme')).toBe(true);
		expect(matchesFilter('ACME', 12, 'acme corp')).toBe(true);
		expect(matchesFilter('12', 12, 'Acme')).toBe(false);
		expect(matchesFilter('x', 'Acme', undefined)).toBe(false);
	});

	it('lists an entry by its name, trimmed, or by its id where it has no name; with its page where given', () => {
		expect(listItem(' Jane Doe ', 'c1', 'https://crm.example/c1')).toEqual({ name: 'Jane Doe', value: 'c1', url: 'https://crm.example/c1' });
		expect(listItem('   ', 'c2')).toEqual({ name: 'c2', value: 'c2' });
		expect(listItem(42, 'c3')).toEqual({ name: 'c3', value: 'c3' });
		expect(listItem('Jane', 'c4', '')).toEqual({ name: 'Jane', value: 'c4' });
	});
});

describe('currentParameterText', () => {
	function loadContext(values: Record<string, unknown>, asked: unknown[] = []): ILoadOptionsFunctions {
		return {
			getCurrentNodeParameter: (name: string, options: unknown) => {
				asked.push(options);
				if (!(name in values)) throw new Error(`Could not find parameter ${name}`);
				return values[name];
			},
		} as unknown as ILoadOptionsFunctions;
	}

	it('reads a locator\'s id with extractValue, a plain value without it, trimmed, as text', () => {
		const asked: unknown[] = [];
		const ctx = loadContext({ leadId: { mode: 'id', value: ' lead_1 ' }, module: 'Leads', count: 7, flag: true, none: null, list: ['a'] }, asked);
		expect(currentParameterText(ctx, 'leadId')).toBe('lead_1');
		expect(asked).toEqual([{ extractValue: true }]);
		expect(currentParameterText(ctx, 'module', false)).toBe('Leads');
		expect(asked[1]).toEqual({});
		expect(currentParameterText(ctx, 'count')).toBe('7');
		expect(currentParameterText(ctx, 'flag')).toBe('');
		expect(currentParameterText(ctx, 'none')).toBe('');
		expect(currentParameterText(ctx, 'list')).toBe('');
	});

	it('answers "" for a parameter the operation does not show', () => {
		expect(currentParameterText(loadContext({}), 'leadId')).toBe('');
	});
});
