/**
 * Reserved RPC function numbers (§12; 0–4095 are reserved, all optional).
 * Argument and result layouts have `encode…`/`decode…` helpers where the spec
 * defines them; 11 and 12 share the file-write layout, 21 and 23 the pin layout.
 */
export const ReservedFunction = {
  Echo: 0,
  WhatIs: 1,
  Read: 2,
  Write: 3,
  PavTime: 5,
  Status: 6,
  Identity: 7,
  Descriptors: 8,
  FileRead: 10,
  FileWrite: 11,
  FileWriteInto: 12,
  FileDelete: 13,
  FileList: 14,
  PinMode: 20,
  DigitalRead: 21,
  PwmWrite: 22,
  AnalogRead: 23,
  GetConfig: 24,
  SetConfig: 25,
  WireTransaction: 26,
} as const
/** One of the {@link ReservedFunction} numbers. */
export type ReservedFunction = (typeof ReservedFunction)[keyof typeof ReservedFunction]
