/**
 * Loads the installed package the way n8n 2.41 does (n8n-core's PackageDirectoryLoader from the
 * n8n install under test) and checks what the editor needs beyond "it runs": every node and
 * credential loads, its icon files exist where n8n will serve them from, each node has its codex
 * (categories, documentation links). Then checks every example workflow (examples/**.json)
 * against the real node types of that n8n: known type and version, no unknown top-level
 * parameters, no parameter issues (what the editor would show as a red warning).
 *
 *   node check-package.js <n8n node_modules> <installed package dir> <examples dir> <report.json>
 *
 * Exits 1 when something is wrong; nodes present in dist/ but not registered in package.json
 * and examples that use them are reported as skipped, not failed. The report lists the
 * registered node types (the e2e run skips workflows that need others).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import type { INode, INodeProperties, INodeTypeDescription, ICredentialType } from 'n8n-workflow';

type Workflow = typeof import('n8n-workflow');
type Core = typeof import('n8n-core');

interface LoadedDescription extends INodeTypeDescription {
	iconUrl?: string | { light: string; dark: string };
}

async function main(): Promise<void> {
	const [modulesDir, packageDir, examplesDir, reportFile] = process.argv.slice(2);
	if (!reportFile) throw new Error('usage: check-package <n8n node_modules> <package dir> <examples dir> <report.json>');
	const requireN8n = createRequire(path.join(path.resolve(modulesDir), 'n8n', 'package.json'));
	// As n8n does at startup (LoadNodesAndCredentials.init): packages resolve n8n-workflow, their
	// peer dependency, from n8n's own node_modules through NODE_PATH.
	process.env.NODE_PATH = [path.resolve(modulesDir), process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
	(Module as unknown as { _initPaths(): void })._initPaths();
	const core = requireN8n('n8n-core') as Core;
	const workflow = requireN8n('n8n-workflow') as Workflow;

	const problems: string[] = [];
	const notes: string[] = [];
	const loader = new core.PackageDirectoryLoader(path.resolve(packageDir));
	await loader.loadAll();
	const pkg = loader.packageName;
	const manifest = loader.packageJson as unknown as { n8n: { nodes: string[]; credentials: string[] } };

	// Nodes and credentials: loaded, icons on disk, codex.
	const nodes = loader.types.nodes as LoadedDescription[];
	const credentials = loader.types.credentials as Array<ICredentialType & { iconUrl?: string | { light: string; dark: string } }>;
	if (nodes.length !== manifest.n8n.nodes.length) problems.push(`package.json lists ${manifest.n8n.nodes.length} nodes, n8n loaded ${nodes.length}`);
	if (credentials.length !== manifest.n8n.credentials.length) problems.push(`package.json lists ${manifest.n8n.credentials.length} credentials, n8n loaded ${credentials.length}`);
	const iconFile = (url: string) => path.join(packageDir, url.replace(`icons/${pkg}/`, ''));
	const checkIcons = (what: string, iconUrl: LoadedDescription['iconUrl']) => {
		if (!iconUrl) return problems.push(`${what}: no icon`);
		for (const url of typeof iconUrl === 'string' ? [iconUrl] : [iconUrl.light, iconUrl.dark]) {
			if (!existsSync(iconFile(url))) problems.push(`${what}: icon ${url} not found in the package`);
		}
		return undefined;
	};
	for (const node of nodes) {
		const what = `node ${pkg}.${node.name}`;
		checkIcons(what, node.iconUrl);
		const codex = node.codex;
		if (!codex?.categories?.length) problems.push(`${what}: no codex categories (the .node.json file is missing or empty)`);
		if (!codex?.resources?.primaryDocumentation?.length) problems.push(`${what}: codex has no documentation link`);
		if (codex?.categories?.includes('Custom Nodes' as never)) notes.push(`${what}: n8n put it under "Custom Nodes"`);
	}
	for (const credential of credentials) checkIcons(`credential ${credential.name}`, credential.iconUrl);

	// Deterministic Adjust runs its pixel loops on worker threads from this compiled script.
	if (!existsSync(path.join(packageDir, 'dist', 'engine', 'adjust', 'pass-worker.js'))) problems.push('dist/engine/adjust/pass-worker.js (the worker thread script) is not in the package');

	// Built nodes that package.json does not register.
	const distNodes = path.join(packageDir, 'dist', 'nodes');
	if (existsSync(distNodes)) {
		for (const dir of readdirSync(distNodes)) {
			const file = `dist/nodes/${dir}/${dir}.node.js`;
			if (existsSync(path.join(packageDir, file)) && !manifest.n8n.nodes.includes(file)) notes.push(`${file} is built but not registered in package.json (n8n.nodes)`);
		}
	}

	// Example workflows against the real node types.
	const baseTypes = JSON.parse(readFileSync(path.join(modulesDir, 'n8n-nodes-base', 'dist', 'types', 'nodes.json'), 'utf8')) as INodeTypeDescription[];
	const describe = (type: string, version: number): INodeTypeDescription | undefined => {
		const [prefix, name] = [type.slice(0, type.lastIndexOf('.')), type.slice(type.lastIndexOf('.') + 1)];
		const pool = prefix === 'n8n-nodes-base' ? baseTypes : prefix === pkg ? nodes : [];
		return pool.find((d) => d.name === name && (Array.isArray(d.version) ? d.version.includes(version) : d.version === version));
	};
	const knownNames = (type: string) => {
		const name = type.slice(type.lastIndexOf('.') + 1);
		return [...baseTypes, ...nodes].filter((d) => d.name === name).length > 0;
	};
	const skipped: string[] = [];
	for (const file of listJson(examplesDir)) {
		const rel = path.relative(path.dirname(examplesDir), file);
		const wf = JSON.parse(readFileSync(file, 'utf8')) as { nodes: INode[] };
		// Workflows shared for people to import carry no credentials (n8n asks for them); those
		// that name credentials (examples/e2e) must name every one they need.
		const checkCredentials = wf.nodes.some((n) => n.credentials && Object.keys(n.credentials).length);
		for (const node of wf.nodes) {
			const what = `${rel}: node "${node.name}" (${node.type} v${node.typeVersion})`;
			const description = describe(node.type, node.typeVersion);
			if (!description) {
				if (node.type.startsWith(`${pkg}.`) && !knownNames(node.type)) {
					skipped.push(`${rel}: ${node.type} is not registered in package.json`);
				} else {
					problems.push(`${what}: unknown node type or version`);
				}
				continue;
			}
			const names = new Set(description.properties.map((p: INodeProperties) => p.name));
			for (const key of Object.keys(node.parameters ?? {})) {
				if (!names.has(key)) problems.push(`${what}: unknown parameter "${key}"`);
			}
			const parameters = workflow.NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description);
			const shown = (p: INodeProperties) => workflow.NodeHelpers.displayParameter(parameters ?? {}, p, node, description);
			for (const text of valueProblems(description.properties, node.parameters ?? {}, shown)) problems.push(`${what}: ${text}`);
			const issues = workflow.NodeHelpers.getNodeParametersIssues(description.properties, { ...node, parameters: parameters ?? {} }, description);
			for (const text of issues ? workflow.NodeHelpers.nodeIssuesToString(issues, node) : []) problems.push(`${what}: ${text}`);
			for (const slot of checkCredentials ? (description.credentials ?? []) : []) {
				const shown = workflow.NodeHelpers.displayParameter(parameters ?? {}, slot, node, description);
				if (slot.required && shown && !node.credentials?.[slot.name]) problems.push(`${what}: credential ${slot.name} not set`);
			}
		}
	}

	const report = {
		package: pkg,
		version: loader.packageJson.version,
		nodeTypes: nodes.map((n) => `${pkg}.${n.name}`),
		credentialTypes: credentials.map((c) => c.name),
		problems,
		notes,
		skipped,
	};
	writeFileSync(reportFile, JSON.stringify(report, null, 2));
	console.log(`package ${pkg}@${report.version}: ${report.nodeTypes.length} nodes, ${report.credentialTypes.length} credentials loaded by n8n-core`);
	for (const n of notes) console.log(`  note: ${n}`);
	for (const s of skipped) console.log(`  skipped: ${s}`);
	for (const p of problems) console.log(`  PROBLEM: ${p}`);
	if (problems.length) process.exitCode = 1;
}

/**
 * Values the editor would not offer: an option that is not in the list, a number outside its
 * bounds, an unknown entry of an Options collection. Expressions (strings starting with '=') are
 * not checked. Looks at the parameters shown and one level into collections.
 */
function valueProblems(properties: INodeProperties[], values: Record<string, unknown>, shown: (p: INodeProperties) => boolean): string[] {
	const out: string[] = [];
	for (const property of properties) {
		const value = values[property.name];
		if (value === undefined || !shown(property)) continue;
		out.push(...valueProblem(property, value, property.name));
		if (property.type === 'collection' && value && typeof value === 'object') {
			const entries = (property.options ?? []) as INodeProperties[];
			for (const [key, entryValue] of Object.entries(value as Record<string, unknown>)) {
				const entry = entries.find((e) => e.name === key);
				if (!entry) out.push(`unknown entry "${key}" in "${property.name}"`);
				else out.push(...valueProblem(entry, entryValue, `${property.name}.${key}`));
			}
		}
	}
	return out;
}

function valueProblem(property: INodeProperties, value: unknown, label: string): string[] {
	if (typeof value === 'string' && value.startsWith('=')) return [];
	if (property.type === 'options' && !property.typeOptions?.loadOptionsMethod) {
		const allowed = (property.options ?? []).map((o) => (o as { value: unknown }).value);
		if (!allowed.includes(value)) return [`"${label}" is ${JSON.stringify(value)}, not one of ${JSON.stringify(allowed)}`];
	}
	if (property.type === 'number' && typeof value === 'number') {
		const { minValue, maxValue } = property.typeOptions ?? {};
		if ((minValue !== undefined && value < minValue) || (maxValue !== undefined && value > maxValue)) {
			return [`"${label}" is ${value}, outside ${String(minValue ?? '-inf')}..${String(maxValue ?? 'inf')}`];
		}
	}
	return [];
}

function listJson(dir: string): string[] {
	return readdirSync(dir)
		.sort()
		.flatMap((entry) => {
			const full = path.join(dir, entry);
			if (statSync(full).isDirectory()) return listJson(full);
			return entry.endsWith('.json') ? [full] : [];
		});
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
