import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/** Only exists as TypeScript: the harness loads it in place of the unbuilt dist file. */
export class Echo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo',
		name: 'echo',
		icon: { light: 'file:echo.light.svg', dark: 'file:echo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Echo',
		description: 'Marks each item as echoed',
		defaults: { name: 'Echo' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		usableAsTool: true,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [
			items.map((item, i) => ({ json: { ...item.json, echoed: true }, pairedItem: { item: i } })),
		];
	}
}
