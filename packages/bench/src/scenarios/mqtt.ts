import { mqttBridgeThroughput } from '../mqtt-bridge.ts'
import { defineScenario } from '../scenario.ts'

export default defineScenario({
  name: 'mqtt',
  mode: 'one-process',
  run: ({ budget }) => mqttBridgeThroughput(budget),
})
