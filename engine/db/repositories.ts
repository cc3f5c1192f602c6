import type { EngineConfig } from '../config/index.js';
import { ActionRepository } from './actions-repository.js';
import { ContributionRepository } from './contributions-repository.js';
import { CostRepository } from './costs-repository.js';
import type { Db } from './db.js';
import { SessionEventRepository } from './events-repository.js';
import { PersonaRepository } from './personas-repository.js';
import { SessionRepository } from './sessions-repository.js';
import { UserRepository } from './users-repository.js';

/** Every repository over one Db, with query shapes chosen by config.db / config.events. */
export interface Repositories {
  sessions: SessionRepository;
  events: SessionEventRepository;
  contributions: ContributionRepository;
  costs: CostRepository;
  actions: ActionRepository;
  users: UserRepository;
  personas: PersonaRepository;
}

export function createRepositories(db: Db, config: Pick<EngineConfig, 'db' | 'events'>): Repositories {
  const days = config.db.eventsWindowDays;
  return {
    sessions: new SessionRepository(db, config.db.listSessionsShape),
    events: new SessionEventRepository(db, config.events.insertShape, days),
    contributions: new ContributionRepository(db, config.db.contributionSaveShape),
    costs: new CostRepository(db, days),
    actions: new ActionRepository(db, config.db.tagFilterShape, config.db.actionsListShape),
    users: new UserRepository(db),
    personas: new PersonaRepository(db),
  };
}
