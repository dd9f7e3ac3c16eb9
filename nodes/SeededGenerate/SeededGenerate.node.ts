import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { runSeededGenerate, type SeededBackend } from '../../engine/strategies/seeded-generate';
import { imageModelApiTest, searchImageModels } from '../shared/methods';
import { failEveryItem, runItems } from '../shared/run-items';
import { backendProperty, optionsCollection, promptProperties, readOptions, readSeed, seedProperties, verifyProperty } from './descriptions/common';
import { comfyuiOptions, comfyuiProperties, comfyuiRequest } from './descriptions/comfyui';
import { gatewayOptions, gatewayProperties, gatewayRequest, sizeProperties } from './descriptions/gateway';
import { geminiProperties, geminiRequest } from './descriptions/gemini';
import { imagenProperties, imagenRequest } from './descriptions/imagen';
import { sdWebuiOptions, sdWebuiProperties, sdWebuiRequest } from './descriptions/sdWebui';
import type { BackendRequest } from './inputs';
import { seededOutputItem } from './output';
import { SELF_HOSTED_CREDENTIAL, setupSeeded } from './transport';

export class SeededGenerate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seeded Generate',
		name: 'seededGenerate',
		icon: { light: 'file:seededGenerate.svg', dark: 'file:seededGenerate.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ ({ comfyui: "ComfyUI", gemini: "Gemini", openaiImages: "Gateway", sdWebui: "SD WebUI", imagen: "Imagen" })[$parameter["backend"]] + ", seed " + ({ fixed: "fixed", perItem: "per item", expression: "from expression", random: "random" })[$parameter["seedMode"]] }}',
		description: 'Generate or edit images with a real seed (Flux, Seedream, Stable Diffusion, ComfyUI) and measure reproducibility',
		defaults: { name: 'Seeded Generate' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'imageModelApi',
				required: true,
				testedBy: 'imageModelApiTest',
				displayOptions: { show: { backend: ['openaiImages', 'gemini', 'imagen'] } },
			},
			{
				name: SELF_HOSTED_CREDENTIAL,
				required: true,
				displayOptions: { show: { backend: ['sdWebui', 'comfyui'] } },
			},
		],
		properties: [
			backendProperty,
			...promptProperties,
			...gatewayProperties,
			...geminiProperties,
			...imagenProperties,
			...sdWebuiProperties,
			...comfyuiProperties,
			...sizeProperties,
			...seedProperties,
			verifyProperty,
			optionsCollection([...gatewayOptions, ...sdWebuiOptions, ...comfyuiOptions]),
		],
	};

	methods = {
		credentialTest: { imageModelApiTest },
		listSearch: { searchImageModels },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const backend = this.getNodeParameter('backend', 0) as SeededBackend;
		let setup;
		try {
			setup = await setupSeeded(this, backend);
		} catch (error) {
			return [failEveryItem(this, error)];
		}
		const out = await runItems(this, { concurrency: setup.ctx.limiter.maxConcurrent, secrets: setup.secrets }, async (i, signal) => {
			const options = readOptions(this, i);
			const { mode, seed } = readSeed(this, i);
			const built: BackendRequest =
				backend === 'openaiImages'
					? await gatewayRequest(this, i, options, setup.maxPixels)
					: backend === 'sdWebui'
						? await sdWebuiRequest(this, i, options, setup.maxPixels)
						: backend === 'comfyui'
							? await comfyuiRequest(this, i, options, setup.maxPixels)
							: backend === 'gemini'
								? await geminiRequest(this, i, setup.maxPixels)
								: imagenRequest(this, i);
			const result = await runSeededGenerate(
				{ ...built.request, seed },
				{
					seedMode: mode,
					verifyReproducibility: this.getNodeParameter('verifyReproducibility', i, false) as boolean,
					tolerance: options.reproducibilityTolerance === undefined ? undefined : Number(options.reproducibilityTolerance),
				},
				{ ...setup.ctx, signal },
			);
			return [await seededOutputItem(this, i, result, String(options.outputBinaryField ?? 'data'), built.fileName)];
		});
		return [out];
	}
}
