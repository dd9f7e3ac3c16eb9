/**
 * The n8n side of the one error model: EngineError -> NodeApiError (provider answered) or
 * NodeOperationError (our validation), and the error item written when continueOnFail is on.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { EngineError, isEngineError } from '../../engine/core/errors';
import { redactSecrets } from '../../engine/core/redact';

/** The error to throw for item `itemIndex`; messages are scrubbed of `secrets`. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: readonly string[] = [],
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const engine = asEngineError(error);
	const message = redactSecrets(`Item ${itemIndex}: ${engine.message}`, secrets);
	const description = engine.description ? redactSecrets(engine.description, secrets) : undefined;
	if (engine.httpStatus !== undefined) {
		const body: JsonObject = { kind: engine.kind, message, httpStatus: engine.httpStatus };
		if (engine.reason) body.reason = engine.reason;
		return new NodeApiError(node, body, {
			message,
			description,
			httpCode: String(engine.httpStatus),
			itemIndex,
		});
	}
	return new NodeOperationError(node, message, { itemIndex, description });
}

/** The JSON of an error item (continueOnFail): what failed, why, and where. */
export function errorItemJson(error: unknown, itemIndex: number, secrets: readonly string[] = []): JsonObject {
	const engine = asEngineError(error);
	const json: JsonObject = {
		error: redactSecrets(`Item ${itemIndex}: ${engine.message}`, secrets),
		errorKind: engine.kind,
		itemIndex,
	};
	if (engine.description) json.errorDescription = redactSecrets(engine.description, secrets);
	if (engine.parameter) json.errorParameter = engine.parameter;
	if (engine.httpStatus !== undefined) json.httpStatus = engine.httpStatus;
	if (engine.reason) json.errorReason = engine.reason;
	return json;
}

function asEngineError(error: unknown): EngineError {
	if (isEngineError(error)) return error;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return new EngineError('invalidInput', error.message, { description: error.description ?? undefined });
	}
	const message = error instanceof Error ? error.message : String(error);
	return new EngineError('invalidInput', message, { cause: error });
}
