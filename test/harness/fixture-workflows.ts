import type { IConnections, INode, INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from './run-workflow';

/** Node type prefix of the fixture package (test/harness/fixture-package). */
export const FIXTURES = 'n8n-nodes-harness-fixtures';

/** A node as the n8n editor exports it. */
export function node(
	name: string,
	type: string,
	parameters: INodeParameters = {},
	extra: Partial<INode> = {},
): INode {
	return { id: name, name, type, typeVersion: 1, position: [0, 0], parameters, ...extra };
}

/** Connects the nodes main-output-0 to main-input-0, in the order given. */
export function chain(...names: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/** Manual Start -> Load Images (with `items`) -> Collect (with its parameters/settings). */
export function loadAndCollect(
	items: unknown[],
	collect: { parameters?: INodeParameters; extra?: Partial<INode> } = {},
): WorkflowJson {
	return {
		nodes: [
			node('Manual Start', `${FIXTURES}.manualStart`),
			node('Load Images', `${FIXTURES}.loadImages`, { items: JSON.stringify(items) }),
			node('Collect', `${FIXTURES}.collect`, collect.parameters, collect.extra),
		],
		connections: chain('Manual Start', 'Load Images', 'Collect'),
	};
}
