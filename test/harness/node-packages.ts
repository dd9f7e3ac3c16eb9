import { PackageDirectoryLoader } from 'n8n-core';
import type {
	ICredentialType,
	ICredentialTypes,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
	LoadingDetails,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { existsSync } from 'node:fs';
import path from 'node:path';

interface LoadFailure {
	file: string;
	error: unknown;
}

/**
 * n8n's PackageDirectoryLoader with two test-time changes:
 * - a listed `dist/<x>.js` is loaded from its `<x>.ts` source when there is one
 *   (jest transpiles it), with the `<x>.json` codex beside it, as n8n's own node
 *   test harness does: tests run the current code, never a stale or missing build;
 * - a listed file that fails to load is recorded instead of aborting the package,
 *   and the failure is reported when a workflow asks for a type that is missing.
 */
class TestPackageLoader extends PackageDirectoryLoader {
	readonly failures: LoadFailure[] = [];

	protected resolvePath(file: string): string {
		// dist/<x>.js (class) or dist/<x>.json (codex), as listed or derived by the loader
		const built = /^dist[\\/](.+)\.js(on)?$/.exec(file);
		const source = built && super.resolvePath(`${built[1]}.${built[2] ? 'json' : 'ts'}`);
		return source && existsSync(source) ? source : super.resolvePath(file);
	}

	loadNodeFromFile(filePath: string, packageVersion?: string): void {
		try {
			super.loadNodeFromFile(filePath, packageVersion);
		} catch (error) {
			this.failures.push({ file: filePath, error });
		}
	}

	loadCredentialFromFile(filePath: string): void {
		try {
			super.loadCredentialFromFile(filePath);
		} catch (error) {
			this.failures.push({ file: filePath, error });
		}
	}
}

/**
 * Node and credential types of a set of n8n packages, named as n8n names them:
 * nodes `<package name>.<node name>`, credentials by their plain `name`.
 */
export class LoadedPackages implements INodeTypes {
	/** What n8n's CredentialTypes service answers, for these packages. */
	readonly credentialTypes: ICredentialTypes;

	private constructor(private readonly loaders: TestPackageLoader[]) {
		this.credentialTypes = {
			recognizes: (type) => this.findCredential(type) !== undefined,
			getByName: (type) => {
				const credential = this.findCredential(type);
				if (credential) return credential;
				throw new Error(this.unknown('credential type', type, this.credentialTypeNames()));
			},
			// Full node type names that declare credential `type`.
			getSupportedNodes: (type) =>
				this.loaders.flatMap((l) =>
					(l.nodesByCredential[type] ?? []).map((n) => `${l.packageName}.${n}`),
				),
			// All ancestors through `extends`, nearest first.
			getParentTypes: (type) => this.parentTypes(type),
		};
	}

	/** Loads each package folder (package.json `n8n.nodes` / `n8n.credentials`). */
	static async load(packageDirs: string[]): Promise<LoadedPackages> {
		const loaders = packageDirs.map((dir) => new TestPackageLoader(dir));
		for (const loader of loaders) await loader.loadAll();
		return new LoadedPackages(loaders);
	}

	/** Full type names of every loaded node, e.g. 'n8n-nodes-harness-fixtures.collect'. */
	nodeTypeNames(): string[] {
		return this.loaders.flatMap((l) =>
			Object.keys(l.nodeTypes).map((n) => `${l.packageName}.${n}`),
		);
	}

	credentialTypeNames(): string[] {
		return this.loaders.flatMap((l) => Object.keys(l.credentialTypes));
	}

	getByName(type: string): INodeType | IVersionedNodeType {
		const node = this.findNode(type);
		if (!node) throw new Error(this.unknown('node type', type, this.nodeTypeNames()));
		return node;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes(): Record<string, LoadingDetails> {
		const known: Record<string, LoadingDetails> = {};
		for (const loader of this.loaders) {
			for (const [name, details] of Object.entries(loader.known.nodes)) {
				known[`${loader.packageName}.${name}`] = details;
			}
		}
		return known;
	}

	private parentTypes(type: string): string[] {
		const parents = this.findCredential(type)?.extends ?? [];
		return [...parents, ...parents.flatMap((p) => this.parentTypes(p))];
	}

	private findNode(type: string): INodeType | IVersionedNodeType | undefined {
		const dot = type.lastIndexOf('.');
		const loader = this.loaders.find((l) => l.packageName === type.slice(0, dot));
		const name = type.slice(dot + 1);
		return loader && Object.hasOwn(loader.nodeTypes, name)
			? loader.nodeTypes[name].type
			: undefined;
	}

	private findCredential(type: string): ICredentialType | undefined {
		const loader = this.loaders.find((l) => Object.hasOwn(l.credentialTypes, type));
		return loader?.credentialTypes[type].type;
	}

	private unknown(kind: string, type: string, known: string[]): string {
		const failures = this.loaders.flatMap((l) =>
			l.failures.map(({ file, error }) => `\n  ${l.packageName}: ${file}: ${messageOf(error)}`),
		);
		return (
			`Unknown ${kind} "${type}". Loaded: ${known.join(', ') || 'none'}.` +
			(failures.length ? `\nFiles that failed to load:${failures.join('')}` : '')
		);
	}
}

const cache = new Map<string, Promise<LoadedPackages>>();

/** Loads packages once per folder list (per jest module registry), like n8n does at startup. */
export async function loadPackages(packageDirs: string[]): Promise<LoadedPackages> {
	const key = packageDirs.map((dir) => path.resolve(dir)).join('\n');
	let loaded = cache.get(key);
	if (!loaded) {
		loaded = LoadedPackages.load(packageDirs);
		cache.set(key, loaded);
		loaded.catch(() => cache.delete(key));
	}
	return await loaded;
}

// Not `instanceof Error`: jest's module-not-found errors come from another realm.
function messageOf(error: unknown): string {
	const message = (error as { message?: unknown } | null)?.message;
	return typeof message === 'string' ? message : String(error);
}
