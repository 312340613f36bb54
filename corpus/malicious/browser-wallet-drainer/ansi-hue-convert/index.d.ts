export type RGB = [number, number, number];
export function hexToRgb(hex: string): RGB;
export function rgbToHex(r: number, g: number, b: number): string;
export function rgbToHsl(r: number, g: number, b: number): RGB;
export function hslToRgb(h: number, s: number, l: number): RGB;
export function rgbToAnsi256(r: number, g: number, b: number): number;
export function ansi256ToRgb(code: number): RGB;
