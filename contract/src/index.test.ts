describe('the @ntma/contract entry', () => {
  it('loads no TypeBox at run time, so the plugin bundles none', () => {
    jest.isolateModules(() => {
      jest.doMock('typebox', () => {
        throw new Error('typebox was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const entry = require('./index.js') as Record<string, unknown>;
      expect(entry.severityOf).toBeInstanceOf(Function);
      expect(entry.DEFAULT_PANEL_OPTIONS).toBeDefined();
    });
  });

  it('while the schemas entry does load it', () => {
    jest.isolateModules(() => {
      jest.doMock('typebox', () => {
        throw new Error('typebox was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(() => require('./schemas/index.js')).toThrow('typebox was loaded');
    });
  });
});
