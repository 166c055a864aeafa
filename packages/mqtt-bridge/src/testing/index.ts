/**
 * @packageDocumentation
 * Test helpers: a real mosquitto started by the test itself on a free
 * 127.0.0.1 port with its own configuration file (no broker mock).
 */
export { MOSQUITTO, Mosquitto, type MosquittoOptions, skipWithoutMosquitto } from './mosquitto.ts'
