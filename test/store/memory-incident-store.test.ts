import { MemoryIncidentStore } from '../fakes/memory-incident-store.js';
import { describeIncidentStoreContract } from './incident-store-contract.js';

describeIncidentStoreContract('in-memory fake', () => new MemoryIncidentStore());
