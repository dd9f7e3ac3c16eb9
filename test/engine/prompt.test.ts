import { parseInstruction } from '../../engine/prompt/parse-instruction';
import { buildEditPrompt, describeQuantity } from '../../engine/prompt/build-prompt';
import { DEGREE_WORDS, DEFAULT_PERCENT } from '../../engine/prompt/degree-words';
import { planQuantifiedEdit } from '../../engine/strategies/quantified-edit';

/** The documented table (README, "Degree words"): phrase -> quantities. */
const PHRASES: Array<[string, Array<[string, number]>]> = [
	['slightly darker', [['brightness', -10]]],
	['a bit warmer', [['warmth', 10]]],
	['much more contrast', [['contrast', 40]]],
	['barely brighter', [['brightness', 5]]],
	['dramatically cooler', [['warmth', -60]]],
	['darker', [['brightness', -DEFAULT_PERCENT]]],
	['somewhat less saturated', [['saturation', -20]]],
	['slightly darker and a bit warmer', [['brightness', -10], ['warmth', 10]]],
	['darker by 20%', [['brightness', -20]]],
	['brightness 85 %', [['brightness', -15]]],
	['brightness at 110%', [['brightness', 10]]],
	['warmth +10 %', [['warmth', 10]]],
	['contrast -5%', [['contrast', -5]]],
	['grain 20 %', [['grain', 20]]],
	['brightness 85 %, warmth +10 %, grain 20 %', [['brightness', -15], ['warmth', 10], ['grain', 20]]],
	['un poco más oscura', [['brightness', -10]]],
	['mucho más cálida', [['warmth', 40]]],
	['ligeramente más fría', [['warmth', -10]]],
	['apenas más clara', [['brightness', 5]]],
	['bastante más contraste', [['contrast', 20]]],
	['muchísimo más saturada', [['saturation', 60]]],
	['más oscura un 15 %', [['brightness', -15]]],
	['brillo al 90%', [['brightness', -10]]],
	['un poco más oscura y mucho más cálida', [['brightness', -10], ['warmth', 40]]],
	['softer contrast', [['contrast', -DEFAULT_PERCENT]]],
	['a little sharper', [['sharpness', 10]]],
];

describe('parseInstruction (EN/ES degree-word table)', () => {
	it.each(PHRASES)('%s', (phrase, expected) => {
		const parsed = parseInstruction(phrase);
		expect(parsed.quantities.map((q) => [q.attribute, q.percent])).toEqual(expected);
		expect(parsed.unparsed).toEqual([]);
		expect(parsed.interpretations).toHaveLength(expected.length);
	});

	it('passes unknown phrasing through untouched, with a warning', () => {
		const parsed = parseInstruction('slightly darker, make the sky look stormy');
		expect(parsed.quantities).toEqual([{ attribute: 'brightness', percent: -10 }]);
		expect(parsed.unparsed).toEqual(['make the sky look stormy']);
		expect(parsed.warnings).toEqual(['Not understood as a quantity, sent to the model as written: "make the sky look stormy"']);
	});

	it('explains each interpretation with the rule used', () => {
		const [interp] = parseInstruction('un poco más oscura').interpretations;
		expect(interp.rule).toBe('degree word "un poco" = 10 %');
	});

	it('every degree word in the table maps to its documented percent', () => {
		for (const { words, percent } of DEGREE_WORDS) {
			for (const word of words) {
				expect(parseInstruction(`${word} darker`).quantities[0]).toEqual({ attribute: 'brightness', percent: -percent });
			}
		}
	});
});

describe('buildEditPrompt', () => {
	it('states exact targets, bounds, degree words and do-NOT limits', () => {
		const prompt = buildEditPrompt({
			quantities: [
				{ attribute: 'brightness', percent: -15 },
				{ attribute: 'grain', percent: 20 },
			],
			keep: ['faces'],
		});
		expect(prompt).toContain('Brightness: reduce to approximately 85 % of the original (darker by 15 %, a moderate change; not below 82 %).');
		expect(prompt).toContain('Film grain: add a moderate film grain at 20 % strength (approximately; not exceeding 23 %).');
		expect(prompt).toContain('- Do NOT change contrast, colour saturation, colour temperature (warmth).');
		expect(prompt).toContain('- Do NOT change faces, facial features, skin texture and expressions.');
		expect(prompt).toContain('do NOT crop, rotate or reframe');
	});

	it('uses the degree word that matches the size of the change', () => {
		expect(describeQuantity({ attribute: 'contrast', percent: 4 })).toContain('barely noticeable');
		expect(describeQuantity({ attribute: 'contrast', percent: 10 })).toContain('subtle');
		expect(describeQuantity({ attribute: 'contrast', percent: 50 })).toContain('strong');
	});

	it('is deterministic', () => {
		const spec = { quantities: [{ attribute: 'saturation' as const, percent: 12 }], freeText: ['keep it natural'] };
		expect(buildEditPrompt(spec)).toBe(buildEditPrompt(JSON.parse(JSON.stringify(spec))));
	});
});

describe('planQuantifiedEdit', () => {
	it('lets structured adjustments win over the instruction, with a warning', () => {
		const plan = planQuantifiedEdit({ instruction: 'slightly darker, a bit warmer', quantities: [{ attribute: 'brightness', percent: -30 }] });
		expect(plan.quantities).toEqual([
			{ attribute: 'brightness', percent: -30 },
			{ attribute: 'warmth', percent: 10 },
		]);
		expect(plan.warnings).toContain('The instruction\'s brightness (-10 %) is overridden by the Adjustments field');
		expect(plan.prompt).toContain('approximately 70 % of the original');
	});

	it('rejects an empty request and out-of-range values with the standard message', () => {
		expect(() => planQuantifiedEdit({ instruction: '  ' })).toThrow('Expected an instruction or at least one non-zero adjustment for Instruction but received "  "');
		expect(() => planQuantifiedEdit({ quantities: [{ attribute: 'brightness', percent: Number.NaN }] })).toThrow(
			'Expected a number between -100 and 100 for Adjustments[0].percent but received NaN',
		);
		expect(() => planQuantifiedEdit({ quantities: [{ attribute: 'glow' as never, percent: 5 }] })).toThrow(/Adjustments\[0\]\.attribute/);
	});
});
