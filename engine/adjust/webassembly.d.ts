/**
 * The part of the WebAssembly JavaScript API that kernels.ts uses. Node has the global
 * `WebAssembly` object, but TypeScript declares it only in the DOM library, which this package
 * does not load (its code must not assume a browser).
 */
declare namespace WebAssembly {
	class Module {
		constructor(bytes: Uint8Array);
	}
	class Memory {
		readonly buffer: ArrayBuffer;
		grow(pages: number): number;
	}
	class Instance {
		constructor(module: Module, imports: Record<string, Record<string, unknown>>);
		readonly exports: Record<string, unknown>;
	}
}
