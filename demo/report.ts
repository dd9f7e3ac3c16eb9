/** The demo's report: report.json (everything) and report.md (the same, for people). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Effect } from '../engine/analysis/effect';

/** One image of one strategy. Paths are relative to the output folder. */
export interface ImageLine {
	input: string;
	output: string;
	/** The output's tone and colour against its input, measured as the AI nodes measure it. */
	measured: Effect;
	/** What was asked, by attribute, in percent (Quantified Edit, Multi-Sample). */
	requested?: Record<string, number>;
	costUsd?: number;
	costApiyiUsd?: number;
	attempts?: number;
	calls?: number;
	contactSheet?: string;
	chosen?: string;
	scores?: Array<{ variant: number; rank: number | null; combined: number | null; fidelity: number | null; structure: number | null }>;
	seed?: number;
	seedHonoured?: string;
	reproducible?: boolean;
	maxAbsDiff?: number;
}

export interface StrategyReport {
	key: string;
	title: string;
	workflow: string;
	what?: string;
	failed?: string;
	prompt?: string;
	learned?: { verdict: string; meanDeltaE2000: number; p95DeltaE2000: number; lut: string };
	images: ImageLine[];
	/** Model calls made (with retries counted once). */
	calls: number;
	/** What the calls would have cost at Google AI Studio token prices. */
	costUsd: number;
	/** The same calls at APIYI's per-request price. */
	costApiyiUsd?: number;
	costNote?: string;
}

export interface DemoReport {
	generatedAt: string;
	durationSeconds: number;
	outputFolder: string;
	inputs: string[];
	provider: string;
	prices: string;
	notes: string[];
	strategies: StrategyReport[];
}

export function writeReports(out: string, report: DemoReport): void {
	writeFileSync(path.join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
	writeFileSync(path.join(out, 'report.md'), markdown(report));
}

const pct = (v: number | undefined) => (v === undefined || v === null ? '' : `${v > 0 ? '+' : ''}${v.toFixed(1)} %`);
const usd = (v: number | undefined) => (v === undefined ? '' : `$${v.toFixed(3)}`);

function markdown(r: DemoReport): string {
	const lines: string[] = [
		'# Consistent image edit: offline demo report',
		'',
		`${r.inputs.length} photos, ${r.strategies.length} workflows run through n8n-core's WorkflowExecute in ${r.durationSeconds} s (${r.generatedAt}).`,
		'',
		`- Provider: ${r.provider}.`,
		`- Prices: ${r.prices}. Nothing was charged: these are the costs the same calls would have had.`,
		'- Measured effect: the output against its input, mean luma (brightness), luma spread (contrast), chroma (saturation), red minus blue (warmth).',
		...r.notes.map((n) => `- Note: ${n}.`),
		'',
		'| Strategy | Images | Model calls | Cost (AI Studio) | Cost (APIYI) |',
		'| --- | --- | --- | --- | --- |',
		...r.strategies.map((s) => `| ${s.title} | ${s.images.length} | ${s.calls} | ${s.costNote ?? usd(s.costUsd)} | ${s.costNote ? '' : usd(s.costApiyiUsd)} |`),
		'',
	];
	for (const s of r.strategies) {
		lines.push(`## ${s.title}`, '', `Workflow: \`${s.workflow}\`.`, '');
		if (s.failed) {
			lines.push(`**Failed:** ${s.failed}`, '');
			continue;
		}
		if (s.what) lines.push(s.what, '');
		if (s.learned) lines.push(`Learned LUT: \`${s.learned.lut}\` (verdict ${s.learned.verdict}, mean ΔE2000 ${s.learned.meanDeltaE2000.toFixed(2)}, 95th percentile ${s.learned.p95DeltaE2000.toFixed(2)}).`, '');
		const extra = s.images.some((x) => x.seed !== undefined)
			? ['Seed', 'Reproducible (max pixel diff)']
			: s.images.some((x) => x.contactSheet)
				? ['Requested', 'Kept', 'Contact sheet', 'Cost']
				: s.images.some((x) => x.requested)
					? ['Requested', 'Cost']
					: [];
		lines.push(`| Input | Output | Brightness | Contrast | Saturation | Warmth | ${extra.join(' | ')}${extra.length ? ' |' : ''}`);
		lines.push(`| --- | --- | --- | --- | --- | --- |${extra.map(() => ' --- |').join('')}`);
		for (const x of s.images) {
			const m = x.measured;
			const cells = [x.input, x.output, pct(m.brightnessPercent), pct(m.contrastPercent), pct(m.saturationPercent), pct(m.warmthPercent)];
			if (x.seed !== undefined) cells.push(`${x.seed} (${x.seedHonoured})`, `${x.reproducible ? 'yes' : 'NO'} (${x.maxAbsDiff})`);
			else if (x.contactSheet) cells.push(requested(x.requested), x.chosen ?? '', x.contactSheet, usd(x.costUsd));
			else if (x.requested) cells.push(requested(x.requested), usd(x.costUsd));
			lines.push(`| ${cells.join(' | ')} |`);
		}
		lines.push('');
		if (s.prompt) lines.push('Prompt sent for the first image:', '', '```', s.prompt, '```', '');
	}
	return `${lines.join('\n')}\n`;
}

function requested(r: Record<string, number> | undefined): string {
	return Object.entries(r ?? {})
		.map(([k, v]) => `${k} ${pct(v)}`)
		.join(', ');
}
