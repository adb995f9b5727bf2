/**
 * The file name a server gives in a Content-Disposition header.
 *
 * RFC 6266: `filename*` (RFC 8187: `charset'language'percent-encoded bytes`) wins over `filename`.
 * Many servers (PHP's header(), for one) put the name's raw UTF-8 bytes into the quoted `filename`;
 * Node hands header bytes over one character per byte (latin1), so such a name arrives as mojibake
 * and is read back as UTF-8 here whenever its bytes are valid UTF-8.
 * Directory parts are dropped (RFC 6266 section 4.3): a name never points outside the file.
 */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const parameters = dispositionParameters(header);
	const extended = parameters.get('filename*');
	const fromExtended = extended === undefined ? undefined : decodeExtendedValue(extended);
	const name = fromExtended ?? utf8FromLatin1(parameters.get('filename') ?? '');
	const base = name.split(/[/\\]/).pop()?.trim() ?? '';
	return base === '' || base === '.' || base === '..' ? undefined : base;
}

/** The `name=value` parameters after the disposition type, quotes and backslash escapes undone. */
function dispositionParameters(header: string): Map<string, string> {
	const parameters = new Map<string, string>();
	const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
	for (let match = pattern.exec(header); match; match = pattern.exec(header)) {
		const key = match[1].toLowerCase();
		const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3].trim();
		if (!parameters.has(key)) parameters.set(key, value);
	}
	return parameters;
}

/** RFC 8187 `UTF-8''%E2%82%AC.pdf` (or ISO-8859-1); undefined when malformed, so `filename` is used. */
function decodeExtendedValue(value: string): string | undefined {
	const match = /^([^']*)'[^']*'(.*)$/.exec(value.trim());
	if (!match) return undefined;
	const charset = match[1].trim().toLowerCase();
	const bytes: number[] = [];
	const text = match[2];
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (char === '%') {
			const hex = text.slice(index + 1, index + 3);
			if (!/^[0-9a-f]{2}$/i.test(hex)) return undefined;
			bytes.push(parseInt(hex, 16));
			index += 2;
		} else {
			const code = char.charCodeAt(0);
			if (code > 0xff) return undefined;
			bytes.push(code);
		}
	}
	const buffer = Buffer.from(bytes);
	if (charset === 'iso-8859-1' || charset === 'latin1') return buffer.toString('latin1');
	if (charset !== 'utf-8' && charset !== 'utf8' && charset !== '') return undefined;
	return strictUtf8(buffer);
}

/** A header string whose characters are bytes: the UTF-8 text they spell, or the string itself. */
function utf8FromLatin1(text: string): string {
	if (!/[\u0080-\u00ff]/.test(text) || /[^\u0000-\u00ff]/.test(text)) return text;
	return strictUtf8(Buffer.from(text, 'latin1')) ?? text;
}

function strictUtf8(buffer: Buffer): string | undefined {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
	} catch {
		return undefined;
	}
}
