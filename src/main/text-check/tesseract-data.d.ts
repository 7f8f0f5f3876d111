/** @tesseract.js-data/eng ships no types: it is one object saying where its model file is. */
declare module '@tesseract.js-data/eng' {
  const data: { code: string; gzip: boolean; langPath: string };
  export default data;
}
