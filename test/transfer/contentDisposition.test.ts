import { fileNameFromContentDisposition } from '../../nodes/transfer';

/** A header value as Node hands it over: one character per byte on the wire. */
function asReceived(headerUtf8: string): string {
	return Buffer.from(headerUtf8, 'utf8').toString('latin1');
}

describe('fileNameFromContentDisposition', () => {
	const names = ['Résumé café.pdf', '契約書 2024.docx', 'report 📎✅.xlsx', 'plain.txt', 'quote "x".txt'];

	it.each(names)('reads %s from RFC 8187 filename* (which wins over filename)', (name) => {
		const header = `attachment; filename="fallback.bin"; filename*=UTF-8''${encodeURIComponent(name)}`;
		expect(fileNameFromContentDisposition(header)).toBe(name);
	});

	it.each(names)('reads %s sent as raw UTF-8 bytes in the quoted filename (as PHP sends it)', (name) => {
		const header = asReceived(`attachment;filename="${name.replace(/"/g, '\\"')}"`);
		expect(fileNameFromContentDisposition(header)).toBe(name);
	});

	it('keeps a latin1 name whose bytes are no valid UTF-8', () => {
		expect(fileNameFromContentDisposition('attachment; filename="caf\u00e9.txt"')).toBe('caf\u00e9.txt');
	});

	it('reads ISO-8859-1 filename*, an unquoted filename, and parameters in any case', () => {
		expect(fileNameFromContentDisposition("attachment; FILENAME*=iso-8859-1'en'caf%E9.txt")).toBe('café.txt');
		expect(fileNameFromContentDisposition('inline; filename=notes.txt; size=3')).toBe('notes.txt');
	});

	it('falls back to filename when filename* is malformed or in an unknown charset', () => {
		expect(fileNameFromContentDisposition("attachment; filename*=UTF-8''bad%ZZ; filename=\"ok.txt\"")).toBe('ok.txt');
		expect(fileNameFromContentDisposition("attachment; filename*=KOI8-R''%C1; filename=\"ok.txt\"")).toBe('ok.txt');
	});

	it('drops directory parts and refuses names that are only a path', () => {
		expect(fileNameFromContentDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
		expect(fileNameFromContentDisposition('attachment; filename="C:\\\\Temp\\\\a.txt"')).toBe('a.txt');
		expect(fileNameFromContentDisposition('attachment; filename=".."')).toBeUndefined();
		expect(fileNameFromContentDisposition('attachment')).toBeUndefined();
		expect(fileNameFromContentDisposition(undefined)).toBeUndefined();
	});

	it('reads filename* in any case of UTF-8, utf8, latin1 or no charset (UTF-8), with blanks around the equals sign', () => {
		expect(fileNameFromContentDisposition("attachment; filename*=UTF-8''%E2%82%AC.txt")).toBe('\u20ac.txt');
		expect(fileNameFromContentDisposition("attachment; filename*=utf8''%E2%82%AC.txt")).toBe('\u20ac.txt');
		expect(fileNameFromContentDisposition("attachment; filename*=''%E2%82%AC.txt")).toBe('\u20ac.txt');
		expect(fileNameFromContentDisposition("attachment; filename*=Latin1''caf%E9.txt")).toBe('caf\u00e9.txt');
		expect(fileNameFromContentDisposition("attachment; filename*=iso-8859-1''\u00ff.txt")).toBe('\u00ff.txt');
		expect(fileNameFromContentDisposition('attachment; filename = "spaced.txt"')).toBe('spaced.txt');
	});

	it('falls back to filename when filename* has no charset part, a character beyond one byte, or a charset it does not read', () => {
		expect(fileNameFromContentDisposition('attachment; filename*=plain.txt; filename="ok.txt"')).toBe('ok.txt');
		expect(fileNameFromContentDisposition("attachment; filename*=UTF-8''\u5951.txt; filename=\"ok.txt\"")).toBe('ok.txt');
		expect(fileNameFromContentDisposition("attachment; filename*=KOI8-R''abc.txt; filename=\"ok.txt\"")).toBe('ok.txt');
	});

	it('takes the first of repeated parameters, trims the name, and refuses "."', () => {
		expect(fileNameFromContentDisposition('attachment; filename="first.txt"; filename="second.txt"')).toBe('first.txt');
		expect(fileNameFromContentDisposition('attachment; filename="  padded.txt  "')).toBe('padded.txt');
		expect(fileNameFromContentDisposition('attachment; filename="."')).toBeUndefined();
	});

	it('keeps a name that holds characters beyond one byte as it is (it was not read byte by byte)', () => {
		const name = 'caf\u00c3\u00a9 \u5951.txt';
		expect(fileNameFromContentDisposition(`attachment; filename="${name}"`)).toBe(name);
	});

	it('does not take a parameter named like filename for it', () => {
		expect(fileNameFromContentDisposition('attachment; xfilename="no.txt"; filename="yes.txt"')).toBe('yes.txt');
	});
});
