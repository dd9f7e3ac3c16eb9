/**
 * Removes secrets (API keys, passwords, basic-auth tokens, service-account private keys) from
 * text that may reach a user, a log or an output item.
 *
 * Besides the secret as given, it removes the forms in which a server may echo it back: JSON
 * string escaping (a private key's line breaks become "\n"), URL encoding, and each long line of
 * a multi-line secret (the base64 body of a PEM key). A secret cut off by an earlier truncation
 * ("... Authorization: Bearer tk_8Hq2" at the end of a 500-character excerpt) is removed too:
 * a trailing piece of 4 or more characters that starts a secret, and a leading piece that ends
 * one. Redact before truncating whenever possible; this is the safety net for when it is not.
 */

/** Secrets shorter than this are not searched for (they would match ordinary words). */
const MIN_SECRET_LENGTH = 4;
/** Lines of a multi-line secret at least this long are removed one by one. */
const MIN_LINE_LENGTH = 16;
const MASK = '[redacted]';

export function redactSecrets(text: string, secrets: readonly string[]): string {
	let out = text;
	const forms = secretForms(secrets);
	for (const form of forms) out = out.split(form).join(MASK);
	out = redactCutPieces(out, forms);
	// Keys that look like Google or OpenAI-style keys, even if not ours (e.g. echoed by a gateway).
	return out.replace(/AIza[0-9A-Za-z_-]{30,}/g, MASK).replace(/\bsk-[A-Za-z0-9_-]{20,}/g, MASK);
}

/** Every form of every secret to search for, longest first (so a line never pre-empts its key). */
function secretForms(secrets: readonly string[]): string[] {
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
		forms.add(secret);
		forms.add(JSON.stringify(secret).slice(1, -1));
		try {
			forms.add(encodeURIComponent(secret));
		} catch {
			// A lone surrogate cannot be URL-encoded, nor sent in a URL.
		}
		if (/[\r\n]/.test(secret)) {
			for (const line of secret.split(/\r?\n|\r/)) {
				const trimmed = line.trim();
				if (trimmed.length >= MIN_LINE_LENGTH) forms.add(trimmed);
			}
		}
	}
	return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** Removes a secret's start at the very end of the text and a secret's end at its very start. */
function redactCutPieces(text: string, forms: readonly string[]): string {
	let out = text;
	for (const form of forms) {
		for (let n = Math.min(form.length - 1, out.length); n >= MIN_SECRET_LENGTH; n--) {
			if (out.endsWith(form.slice(0, n))) {
				out = out.slice(0, out.length - n) + MASK;
				break;
			}
		}
		for (let n = Math.min(form.length - 1, out.length); n >= MIN_SECRET_LENGTH; n--) {
			if (out.startsWith(form.slice(form.length - n))) {
				out = MASK + out.slice(n);
				break;
			}
		}
	}
	return out;
}
