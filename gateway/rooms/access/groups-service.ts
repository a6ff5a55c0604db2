import type { Database } from '../../store/database.js';
import { allowedAt, type GroupData } from './group-policy.js';
import { GroupDirectory, GroupStore } from './group-store.js';
import type { AccessGroups, Admissions } from './services.js';

/** AccessGroups over the group tables (the access room builds one and the controller hands it on). */
export function accessGroups(db: Database, store = new GroupStore(db)): AccessGroups {
  return {
    groupsOf: (id) => store.groupsOf(id),
    setGroupsOf: (id, groups) => store.setGroupsOf(id, groups),
    exists: (id) => store.exists(id),
    admissions(): Admissions {
      const directory = new GroupDirectory(store, db);
      let data: GroupData = directory.current().data;
      let fresh = true;
      return {
        refresh() {
          const r = directory.current();
          data = r.data;
          const changed = r.changed || fresh;
          fresh = false;
          return changed;
        },
        get groupCount() {
          return data.groups.size;
        },
        allowedAt: (gateIds, people) => allowedAt(data, gateIds, people),
      };
    },
  };
}
