/** Jest 30 in ESM mode: started through `node --experimental-vm-modules` by `npm test`. */
const libs = ['kernel', 'tenancy', 'identity', 'tickets', 'audit', 'compliance'];

export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((lib) => [`^#${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // A limit for hung tests, not a speed check: starting an app with its migrations can take tens
  // of seconds when the two cores of a CI machine are busy.
  testTimeout: 90000,
};
