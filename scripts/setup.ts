/** `npm run setup`: generate the Prisma clients and bring the database named by DATABASE_URL up to date. */
import { migrateDatabase } from "../app/db/migrate";

const url = process.env.DATABASE_URL;
const applied = await migrateDatabase(url);
console.log(`setup: ${applied.profile} database ready (${applied.applied} migration(s) applied)`);
