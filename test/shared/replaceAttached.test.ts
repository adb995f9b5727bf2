import { NodeOperationError } from 'n8n-workflow';

import type { AttachedFile } from '../../nodes/shared/ifAlreadyAttached';
import type { Replacement } from '../../nodes/shared/replaceAttached';
import { deleteReplaced } from '../../nodes/shared/replaceAttached';
import { fakeContext } from './fakeContext';

const old: AttachedFile[] = [
	{ id: 'a1', name: 'report.pdf', size: 10 },
	{ id: 'a2', name: 'report.pdf', size: 10 },
];

function replacement(overrides: Partial<Replacement> = {}): Replacement {
	return {
		fileName: 'report.pdf',
		record: 'deal "d7"',
		newId: 'n9',
		replaced: old,
		serviceName: 'OnePageCRM',
		idText: (id) => `"${id}"`,
		...overrides,
	};
}

describe('deleteReplaced', () => {
	it('deletes every replaced file, oldest first', async () => {
		const deleted: string[] = [];
		await deleteReplaced(fakeContext(), 0, replacement(), async (file) => deleted.push(file.id));
		expect(deleted).toEqual(['a1', 'a2']);
	});

	it('stops at a file that cannot be deleted and names the new and the old attachment in the service\'s terms', async () => {
		const deleted: string[] = [];
		const failing = deleteReplaced(fakeContext(), 2, replacement(), async (file) => {
			if (file.id === 'a1') throw new Error('OnePageCRM refused the request (403)');
			deleted.push(file.id);
		});
		await expect(failing).rejects.toThrow(NodeOperationError);
		await expect(failing).rejects.toMatchObject({
			message: '"report.pdf" is attached to deal "d7" as attachment "n9", but the old attachment "a1" could not be deleted (item 3)',
			description:
				'OnePageCRM refused the request (403). The record now holds both files. Delete attachment "a1" in OnePageCRM (or with this node\'s Delete operation); running the item again with "If Already Attached" set to Replace also leaves one file.',
		});
		expect(deleted).toEqual([]);
	});

	it('shows ids bare where the service does', async () => {
		const failing = deleteReplaced(
			fakeContext(),
			0,
			replacement({ record: 'Leads record 415', serviceName: 'Zoho CRM', idText: (id) => id, replaced: [old[1]] }),
			async () => {
				throw new Error('gone wrong');
			},
		);
		await expect(failing).rejects.toMatchObject({
			message: '"report.pdf" is attached to Leads record 415 as attachment n9, but the old attachment a2 could not be deleted (item 1)',
		});
	});

	it('does nothing when nothing is replaced', async () => {
		const deleteOne = jest.fn();
		await deleteReplaced(fakeContext(), 0, replacement({ replaced: [] }), deleteOne);
		expect(deleteOne).not.toHaveBeenCalled();
	});
});
