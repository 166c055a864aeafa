import { registerRates } from '../registers.ts'
import { defineScenario } from '../scenario.ts'

export default defineScenario({
  name: 'registers',
  mode: 'one-process',
  run: ({ keys, budget }) => registerRates(keys, budget),
})
