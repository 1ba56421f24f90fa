// Images imported from code become asset URLs (webpack asset/resource).
declare module '*.png' {
  const src: string;
  export default src;
}

declare module '*.svg' {
  const src: string;
  export default src;
}
