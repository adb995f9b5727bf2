import { pinningOperation } from './pinning';

export const { description, execute } = pinningOperation('unpin');
