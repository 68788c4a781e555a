import t from 'tap';
import { closestName } from '../../runtime/closest-name.js';

const ids = ['get-contact', 'get-message', 'custom-channel-send-event', 'Respond.io - Get Contact'];

t.test('a typo gets the id it most likely meant; an unrelated word gets none', async (t) => {
  t.equal(closestName('get-contat', ids), 'get-contact');
  t.equal(closestName('get-mesage', ids), 'get-message');
  t.equal(closestName('GET-CONTACT', ids), 'get-contact', 'case does not count as a difference');
  t.equal(closestName('respond.io - get contct', ids), 'Respond.io - Get Contact');
  t.equal(closestName('list-users', ids), undefined);
  t.equal(closestName('x', ids), undefined);
});
