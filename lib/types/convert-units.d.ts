// The few calls of convert-units 2.x that the pack uses (the package ships no types).
declare module "convert-units" {
  interface Converter {
    from(unit: string): { to(unit: string): number };
    possibilities(measure?: string): string[];
  }
  function convert(value?: number): Converter;
  export = convert;
}
