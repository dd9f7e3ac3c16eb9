/**
 * Deterministic tone and colour adjustments: an ordered list of steps applied with exact,
 * repeatable arithmetic (brightness, contrast and saturation bit-identical to PIL's ImageEnhance),
 * sharp decoding and encoding. No n8n imports; the Deterministic Adjust node maps its parameters
 * onto {@link adjustImage}.
 */
export { adjustImage, applyStepsToRaw } from './adjust';
export { stopPassThreads } from './parallel';
export { validateSteps, validateOutputOptions, ADJUST_OPS, MAX_STEPS, MAX_CURVE_POINTS } from './validate-steps';
export { resolveOutputFormat, DEFAULT_QUALITY } from './output';
export type {
	AdjustStep,
	AdjustOp,
	AdjustChannel,
	AdjustOutputOptions,
	AdjustOutputFormat,
	AdjustResizeOptions,
	AdjustResizeFit,
	AdjustInputOptions,
	AdjustResult,
	AdjustResultInfo,
	BrightnessStep,
	ContrastStep,
	SaturationStep,
	ExposureStep,
	GammaStep,
	TemperatureStep,
	TintStep,
	HueStep,
	LevelsStep,
	CurvesStep,
	GrainStep,
	VignetteStep,
	LutStep,
} from './types';
