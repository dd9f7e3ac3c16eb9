/**
 * Finding secrets in whatever a run produced: every string reachable from a value (own
 * properties including non-enumerable ones such as an Error's message, stack and cause, Map and
 * Set entries), scanned for any 12-character piece of a secret, so a secret that was cut short,
 * re-encoded line by line or embedded in a longer token is still found.
 */

/** Length of the secret pieces searched for. */
const WINDOW = 12;

export interface Secret {
	name: string;
	value: string;
}

/** Every string reachable from `value`. */
export function reachableStrings(value: unknown, out: string[] = [], seen = new Set<unknown>(), depth = 0): string[] {
	if (typeof value === 'string') {
		out.push(value);
		return out;
	}
	if (value === null || typeof value !== 'object' || depth > 40 || seen.has(value)) {
		if (typeof value === 'function' || typeof value === 'bigint' || typeof value === 'symbol') out.push(String(value));
		return out;
	}
	seen.add(value);
	if (ArrayBuffer.isView(value)) {
		// Image bytes: a secret would show up as text (latin1 covers any byte sequence).
		if (value.byteLength <= 16 * 1024 * 1024) out.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'));
		return out;
	}
	if (value instanceof Map) {
		for (const [k, v] of value) {
			reachableStrings(k, out, seen, depth + 1);
			reachableStrings(v, out, seen, depth + 1);
		}
		return out;
	}
	if (value instanceof Set) {
		for (const v of value) reachableStrings(v, out, seen, depth + 1);
		return out;
	}
	for (const key of Object.getOwnPropertyNames(value)) {
		out.push(key);
		let child: unknown;
		try {
			child = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		reachableStrings(child, out, seen, depth + 1);
	}
	return out;
}

/** The 12-character pieces of a secret (of each of its lines, for multi-line secrets). */
function pieces(secret: string): string[] {
	const out = new Set<string>();
	for (const line of secret.split(/\r?\n/)) {
		const text = line.trim();
		if (text.length === 0) continue;
		if (text.length <= WINDOW) {
			// PEM armour lines ("-----END PRIVATE KEY-----") are not secret.
			if (!/^-----/.test(text)) out.add(text);
			continue;
		}
		if (/^-----(BEGIN|END) /.test(text)) continue;
		for (let i = 0; i + WINDOW <= text.length; i++) out.add(text.slice(i, i + WINDOW));
	}
	return [...out];
}

/**
 * Where any piece of any secret occurs in `texts`, as readable findings ([] = no leak).
 * @param texts - labelled texts, e.g. [['run data', JSON.stringify(run)], ...]
 */
export function findLeaks(texts: ReadonlyArray<readonly [string, string]>, secrets: readonly Secret[]): string[] {
	const owner = new Map<string, string>();
	const short: Secret[] = [];
	for (const secret of secrets) {
		for (const piece of pieces(secret.value)) {
			if (piece.length < WINDOW) short.push({ name: secret.name, value: piece });
			else owner.set(piece, secret.name);
		}
	}
	const findings: string[] = [];
	for (const [where, text] of texts) {
		for (let i = 0; i + WINDOW <= text.length; i++) {
			const name = owner.get(text.slice(i, i + WINDOW));
			if (name) {
				findings.push(`${name} in ${where}: ...${text.slice(Math.max(0, i - 60), i + 60)}...`);
				break;
			}
		}
		for (const secret of short) {
			const at = text.indexOf(secret.value);
			if (at >= 0) findings.push(`${secret.name} in ${where}: ...${text.slice(Math.max(0, at - 60), at + 60)}...`);
		}
	}
	return findings;
}
