/** Parent → child. */
export type ToChild =
  | { readonly type: 'start'; readonly scenario: string; readonly role: string; readonly params: unknown }
  | { readonly type: 'request'; readonly id: number; readonly request: unknown }
  | { readonly type: 'close' }

/** Child → parent. */
export type ToParent =
  | { readonly type: 'ready'; readonly info: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly type: 'failed'; readonly id?: number; readonly message: string }
  | { readonly type: 'closed' }
