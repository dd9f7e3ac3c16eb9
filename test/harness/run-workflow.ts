import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	IDataObject,
	INode,
	IPinData,
	IWorkflowBase,
	IWorkflowSettings,
} from 'n8n-workflow';
import { TimeoutExecutionCancelledError, Workflow } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';

import type { BinaryDataMode, RunBinaryData } from './binary-data';
import { createRunBinaryData, withBinaryData } from './binary-data';
import type { CredentialsByType } from './credentials-helper';
import { HarnessCredentialsHelper } from './credentials-helper';
import { createAdditionalData, withTimeout } from './execution';
import { disposeHarnessEnv, harnessEnv } from './n8n-env';
import type { LoadedPackages } from './node-packages';
import { loadPackages } from './node-packages';
import { createRunResult, type WorkflowRunResult } from './run-result';

export type { WorkflowRunResult } from './run-result';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE_PACKAGE = path.join(__dirname, 'fixture-package');

export interface HarnessOptions {
	/**
	 * n8n package folders whose package.json `n8n.nodes` / `n8n.credentials` are loaded
	 * with n8n-core's PackageDirectoryLoader. Node types are `<package name>.<node name>`.
	 * @default [repository root, test/harness/fixture-package]
	 */
	packageDirs?: string[];
	/** Where prepareBinaryData puts bytes. @default 'filesystem' */
	binaryDataMode?: BinaryDataMode;
	/** Decrypted credential data by credential type, served whatever id/name the workflow uses. */
	credentials?: CredentialsByType;
}

export interface RunOptions extends HarnessOptions {
	/** Node to start from. @default the workflow's trigger, as n8n picks it */
	startNode?: string;
	/** Run only this node and its parents (n8n's "execute up to here"). */
	destinationNode?: string;
	/** Cancels the run like n8n's execution timeout; the result carries the timeout error. */
	timeoutMs?: number;
}

/** A workflow as n8n exports it; only nodes and connections are required. */
export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	staticData?: IDataObject;
}

let executionCounter = 0;
const liveRuns = new Set<RunBinaryData>();

/**
 * Runs a workflow through n8n-core's WorkflowExecute in manual mode, with real
 * node types, credentials served from `options.credentials` and a real
 * BinaryDataService of its own. The JSON is not modified.
 *
 * @example
 * const result = await runWorkflow(workflowJson, { binaryDataMode: 'database' });
 * expect(result.error).toBeUndefined();
 * const png = await result.binary('Collect', 0, 'data');
 *
 * @throws when a node type or the start/destination node is unknown (setup errors);
 *   errors inside nodes end up in `result.error` / `result.nodeError()` as in n8n.
 */
export async function runWorkflow(
	workflowJson: WorkflowJson,
	options: RunOptions = {},
): Promise<WorkflowRunResult> {
	const { root } = harnessEnv();
	const packages = await loadPackages(options.packageDirs ?? [REPO_ROOT, FIXTURE_PACKAGE]);
	const { credentialTypes } = packages;
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, options.credentials);
	const nodes = prepareNodes(workflowJson.nodes, packages, credentialsHelper);

	const workflowData = toWorkflowBase(workflowJson, nodes);
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes,
		connections: workflowData.connections,
		settings: workflowData.settings,
		pinData: workflowData.pinData,
		staticData: workflowData.staticData,
		active: false,
		nodeTypes: packages,
	});

	const startNode =
		options.startNode === undefined ? undefined : requireNode(workflow, options.startNode);
	const destinationNode =
		options.destinationNode === undefined
			? undefined
			: {
					nodeName: requireNode(workflow, options.destinationNode).name,
					mode: 'inclusive' as const,
				};

	const executionId = String(++executionCounter);
	mkdirSync(path.join(root, 'runs'), { recursive: true });
	const storagePath = mkdtempSync(path.join(root, 'runs', `${executionId}-`));
	const binaryData = await createRunBinaryData(options.binaryDataMode ?? 'filesystem', storagePath);
	liveRuns.add(binaryData);

	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const additionalData = createAdditionalData(executionId, workflow.id, hooks, credentialsHelper);
	if (options.timeoutMs !== undefined) {
		additionalData.executionTimeoutTimestamp = Date.now() + options.timeoutMs;
	}

	const execution = new WorkflowExecute(additionalData, 'manual');
	const run = await withBinaryData(binaryData.service, async () => {
		const running = execution.run({ workflow, startNode, destinationNode });
		if (options.timeoutMs === undefined) return await running;
		return await withTimeout(running, options.timeoutMs, hooks, () => (execution.timedOut = true));
	});
	// A run cancelled while a node hangs comes back without n8n's own timeout error.
	if (execution.timedOut && !run.data.resultData.error) {
		run.data.resultData.error = new TimeoutExecutionCancelledError(executionId);
	}
	return createRunResult(run, binaryData.service);
}

/**
 * Deletes every run's binary data and the harness temp folder. Registered with
 * jest's afterAll automatically; call it yourself outside jest.
 */
export function disposeHarness(): void {
	for (const run of liveRuns) run.database?.clear();
	liveRuns.clear();
	disposeHarnessEnv();
}

if (typeof afterAll === 'function') afterAll(disposeHarness);

// Copies the nodes (n8n's Workflow writes default parameters into them) and points
// credential slots at the given credentials, so tests need no credential ids.
function prepareNodes(
	jsonNodes: INode[],
	packages: LoadedPackages,
	credentials: HarnessCredentialsHelper,
): INode[] {
	return structuredClone(jsonNodes).map((node) => {
		const declared = packages.getByNameAndVersion(node.type, node.typeVersion).description
			.credentials;
		for (const { name } of declared ?? []) {
			if (!credentials.has(name) || node.credentials?.[name]) continue;
			node.credentials = { ...node.credentials, [name]: { id: `harness-${name}`, name } };
		}
		return { ...node, id: node.id ?? randomUUID() };
	});
}

function toWorkflowBase(json: WorkflowJson, nodes: INode[]): IWorkflowBase {
	const now = new Date();
	return {
		id: json.id ?? 'harness-workflow',
		name: json.name ?? 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections: structuredClone(json.connections),
		// Workflows created in the n8n editor get execution order v1; old exports may say v0.
		settings: { executionOrder: 'v1', ...json.settings },
		pinData: structuredClone(json.pinData),
		staticData: structuredClone(json.staticData),
	};
}

function requireNode(workflow: Workflow, name: string): INode {
	const node = workflow.getNode(name);
	if (!node) {
		throw new Error(`No node named "${name}". Nodes: ${Object.keys(workflow.nodes).join(', ')}`);
	}
	return node;
}
