import { summarise } from './summarise';

await summarise();
