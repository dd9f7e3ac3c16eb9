/** How bad values are echoed in the one validation message style. */
import { describeValue, invalidParameterError } from '../../engine/core/validate';

describe('describeValue', () => {
	it('escapes line breaks and control characters, so an echoed value stays on one line', () => {
		const message = invalidParameterError('Instruction', 'text', 'dark\r\ner\u001b[31m\u2028\u007f').message;
		expect(message).toBe('Expected text for Instruction but received "dark\\r\\ner\\u001b[31m\\u2028\\u007f"');
		for (const raw of ['\r', '\n', '\u001b', '\u2028', '\u007f']) expect(message.includes(raw)).toBe(false);
	});

	it('cuts long text at 57 code points, never inside an emoji', () => {
		const shown = describeValue('😀'.repeat(100));
		expect(shown).toBe(`"${'😀'.repeat(57)}..."`);
	});

	it('names the kind of non-text values without their content', () => {
		expect(describeValue(Buffer.alloc(12))).toBe('a buffer of 12 bytes');
		expect(describeValue([1, 2])).toBe('an array of 2 items');
		expect(describeValue({ apiKey: 'x' })).toBe('an object');
		expect(describeValue(NaN)).toBe('NaN');
	});
});
