/** Removes secrets from text that may reach a user, a log or an output item. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret.length < 4) continue;
		out = out.split(secret).join('[redacted]');
	}
	// Keys that look like Google or OpenAI-style keys, even if not ours (e.g. echoed by a gateway).
	return out.replace(/AIza[0-9A-Za-z_-]{30,}/g, '[redacted]').replace(/\bsk-[A-Za-z0-9_-]{20,}/g, '[redacted]');
}
