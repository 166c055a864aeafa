import { describe, expect, it } from 'vitest'
import { type DiscoveredServer, serverJson } from '../src/index.ts'

const kitchen: DiscoveredServer = {
  instance: 'Kitchen controller',
  name: 'Kitchen controller',
  host: 'pavillion-3f2a1c9e.local',
  addresses: ['127.0.0.1', '::1'],
  port: 1783,
  suites: ['psk', 'ecc'],
  fingerprint: '0123456789abcdef0123456789abcdef',
  group: '239.255.28.12',
  version: '1',
}

describe('serverJson', () => {
  it('gives the advertised fields in a fixed order, without group and version (each view adds what it shows)', () => {
    expect(JSON.stringify(serverJson(kitchen))).toBe(
      '{"instance":"Kitchen controller","name":"Kitchen controller","host":"pavillion-3f2a1c9e.local",' +
        '"addresses":["127.0.0.1","::1"],"port":1783,"suites":["psk","ecc"],' +
        '"fingerprint":"0123456789abcdef0123456789abcdef"}',
    )
  })

  it('says null for an absent fingerprint', () => {
    const { fingerprint: _, ...pskOnly } = kitchen
    expect(serverJson({ ...pskOnly, suites: ['psk'] }).fingerprint).toBeNull()
  })

  it('copies the arrays, so a view never shares or changes the browser’s', () => {
    const view = serverJson(kitchen)
    expect(view.addresses).toEqual(kitchen.addresses)
    expect(view.addresses).not.toBe(kitchen.addresses)
    expect(view.suites).not.toBe(kitchen.suites)
  })

  it('is what a view spreads and extends: the CLI’s `discover --json` record keeps its shape', () => {
    const record = {
      type: 'up',
      ...serverJson(kitchen),
      group: kitchen.group ?? null,
      version: kitchen.version,
    }
    expect(Object.keys(record)).toEqual([
      'type',
      'instance',
      'name',
      'host',
      'addresses',
      'port',
      'suites',
      'fingerprint',
      'group',
      'version',
    ])
  })
})
