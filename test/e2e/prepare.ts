/**
 * Prepares a real-n8n end-to-end run (.ci/e2e-n8n.sh): copies the sample images, writes the
 * example workflows with their placeholders replaced, and writes the credentials file for
 * `n8n import:credentials` (plain data: n8n encrypts it with N8N_ENCRYPTION_KEY on import).
 *
 *   node prepare.js <examples/e2e> <samples dir> <work dir> <fake provider URL> <package report.json>
 *
 * Writes <work>/files/input/*.png and large.jpg, <work>/files/pair/original.png, <work>/workflows/*.json and
 * <work>/credentials.json and <work>/output-folders.txt (the folders the workflows write to), and
 * prints the workflow ids to run, one `<id> <key>` per line. Workflows
 * that need a node type the package does not register (report.json `nodeTypes`) are left out.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadExamples, nodeTypesOf, outputFolders, type PlaceholderValues } from './workflows';

export const CREDENTIAL_IDS = { imageModelApi: 'cieE2eImageModel01', selfHostedImageApi: 'cieE2eSelfHosted01' } as const;
const PACKAGE = 'n8n-nodes-consistent-image-edit';
/** The photo whose AI edit plays "the approved result" in the replicate workflow. */
export const PAIR_PHOTO = 'coffee.png';
/**
 * A 3 MP JPEG made from it for the Deterministic Adjust workflow (examples/e2e/5-adjust-large.json,
 * the only one reading *.jpg): large enough that the steps run on worker threads.
 */
export const LARGE_PHOTO = 'large.jpg';

async function main(): Promise<void> {
	const [examplesDir, samplesDir, workDir, fakeUrl, reportFile] = process.argv.slice(2);
	if (!reportFile) throw new Error('usage: prepare <examples/e2e> <samples dir> <work dir> <fake URL> <package report.json>');
	const files = path.join(workDir, 'files');
	const values: PlaceholderValues = {
		inputDir: path.join(files, 'input'),
		pairDir: path.join(files, 'pair'),
		outputDir: path.join(files, 'output'),
		imageModelApiId: CREDENTIAL_IDS.imageModelApi,
		selfHostedImageApiId: CREDENTIAL_IDS.selfHostedImageApi,
	};
	for (const dir of [values.inputDir, values.pairDir, values.outputDir, path.join(workDir, 'workflows')]) mkdirSync(dir, { recursive: true });
	for (const file of readdirSync(samplesDir).filter((f) => f.endsWith('.png'))) copyFileSync(path.join(samplesDir, file), path.join(values.inputDir, file));
	copyFileSync(path.join(samplesDir, PAIR_PHOTO), path.join(values.pairDir, 'original.png'));
	await sharp(path.join(samplesDir, PAIR_PHOTO)).resize(2000, 1500, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(path.join(values.inputDir, LARGE_PHOTO));

	const folders = new Set<string>();
	const registered = new Set((JSON.parse(readFileSync(reportFile, 'utf8')) as { nodeTypes: string[] }).nodeTypes);
	for (const { file, key, workflow } of loadExamples(examplesDir, values)) {
		const missing = nodeTypesOf(workflow, `${PACKAGE}.`).filter((t) => !registered.has(t));
		if (missing.length) {
			console.error(`skipping ${file}: ${missing.join(', ')} not registered in package.json`);
			continue;
		}
		writeFileSync(path.join(workDir, 'workflows', file), JSON.stringify(workflow, null, 2));
		console.log(`${workflow.id} ${key}`);
		for (const dir of outputFolders(workflow)) folders.add(dir);
	}
	// n8n 2.41's Write File to Disk does not create folders: the runner makes them before each run.
	writeFileSync(path.join(workDir, 'output-folders.txt'), [...folders].map((f) => `${f}\n`).join(''));

	// The fake accepts the key 'test-key'; both credentials point at it.
	const credentials = [
		{ id: CREDENTIAL_IDS.imageModelApi, name: 'Image Model API (e2e)', type: 'imageModelApi', data: { provider: 'aiStudio', apiKey: 'test-key', baseUrl: fakeUrl } },
		{ id: CREDENTIAL_IDS.selfHostedImageApi, name: 'Stable Diffusion WebUI (e2e)', type: 'selfHostedImageApi', data: { kind: 'sdWebui', baseUrl: fakeUrl, user: '', password: '' } },
	];
	writeFileSync(path.join(workDir, 'credentials.json'), JSON.stringify(credentials, null, 2));
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
