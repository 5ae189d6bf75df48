import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSqlFilter, SqlFilterSyntaxError, type FilterableMessage } from './sql-filter';

const msg = (
  properties: Record<string, unknown>,
  system: Record<string, unknown> = {},
): FilterableMessage => ({
  properties,
  system,
});

describe('SQL filter subset', () => {
  it('matches equality and inequality on application properties', () => {
    const we = compileSqlFilter("region = 'westeurope'");
    assert.equal(we(msg({ region: 'westeurope' })), true);
    assert.equal(we(msg({ region: 'northeurope' })), false);
    assert.equal(we(msg({})), false);
    assert.equal(compileSqlFilter("region <> 'westeurope'")(msg({ region: 'northeurope' })), true);
  });

  it('combines IN, NOT IN, AND, OR, NOT and parentheses with SQL precedence', () => {
    const f = compileSqlFilter(
      "(region IN ('westeurope', 'northeurope') AND kind = 'secret') OR priority > 5",
    );
    assert.equal(f(msg({ region: 'northeurope', kind: 'secret' })), true);
    assert.equal(f(msg({ region: 'eastus', kind: 'secret' })), false);
    assert.equal(f(msg({ region: 'eastus', priority: 6 })), true);
    assert.equal(compileSqlFilter("region NOT IN ('eastus')")(msg({ region: 'westus' })), true);
    assert.equal(
      compileSqlFilter("NOT region = 'eastus' AND TRUE")(msg({ region: 'westus' })),
      true,
    );
  });

  it('supports EXISTS, IS NULL, LIKE, quoted quotes, sys. and user. prefixes, and 1=1', () => {
    assert.equal(compileSqlFilter('EXISTS(region)')(msg({ region: 'x' })), true);
    assert.equal(compileSqlFilter('EXISTS(region)')(msg({})), false);
    assert.equal(compileSqlFilter('region IS NULL')(msg({})), true);
    assert.equal(compileSqlFilter("name LIKE 'db-%'")(msg({ name: 'db-password' })), true);
    assert.equal(compileSqlFilter("name = 'it''s'")(msg({ name: "it's" })), true);
    assert.equal(
      compileSqlFilter("sys.Label = 'task' AND user.region = 'we'")(
        msg({ region: 'we' }, { label: 'task' }),
      ),
      true,
    );
    assert.equal(compileSqlFilter('1=1')(msg({})), true);
  });

  it('rejects syntax outside the subset instead of matching nothing', () => {
    assert.throws(() => compileSqlFilter("region = 'unterminated"), SqlFilterSyntaxError);
    assert.throws(() => compileSqlFilter('region = = 1'), SqlFilterSyntaxError);
    assert.throws(() => compileSqlFilter("region = 'a' extra"), SqlFilterSyntaxError);
  });
});
