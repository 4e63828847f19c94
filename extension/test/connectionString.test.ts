import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineOfUrl, stripPassword } from '../src/connections/connectionString';

describe('stripPassword on URLs', () => {
  it('takes the password out of the user info and decodes it', () => {
    const result = stripPassword('postgres://app:s3cr%40t@db.example:5432/shop?sslmode=require');
    assert.equal(result.connectionString, 'postgres://app@db.example:5432/shop?sslmode=require');
    assert.equal(result.password, 's3cr@t');
  });

  it('leaves a URL without a password as it is', () => {
    const result = stripPassword('mysql://root@127.0.0.1:3306/shop');
    assert.equal(result.connectionString, 'mysql://root@127.0.0.1:3306/shop');
    assert.equal(result.password, null);
  });

  it('takes a password query parameter out and keeps the others', () => {
    const result = stripPassword('postgresql://app@localhost/shop?password=hunter2&sslmode=disable');
    assert.equal(result.connectionString, 'postgresql://app@localhost/shop?sslmode=disable');
    assert.equal(result.password, 'hunter2');
  });

  it('drops the query when the password was its only parameter', () => {
    const result = stripPassword('postgresql://app@localhost/shop?password=hunter2#frag');
    assert.equal(result.connectionString, 'postgresql://app@localhost/shop#frag');
    assert.equal(result.password, 'hunter2');
  });

  it('handles libpq URLs with several hosts', () => {
    const result = stripPassword('postgresql://u:pw@h1:5432,h2:5433/db');
    assert.equal(result.connectionString, 'postgresql://u@h1:5432,h2:5433/db');
    assert.equal(result.password, 'pw');
  });

  it('keeps an @ that belongs to the password', () => {
    const result = stripPassword('postgres://app:p@ss@host/db');
    assert.equal(result.connectionString, 'postgres://app@host/db');
    assert.equal(result.password, 'p@ss');
  });

  it('names the engine from the scheme', () => {
    assert.equal(engineOfUrl('postgresql://x/y'), 'postgres');
    assert.equal(engineOfUrl('postgres://x/y'), 'postgres');
    assert.equal(engineOfUrl('MariaDB://x/y'), 'mysql');
    assert.equal(engineOfUrl('sqlserver://x'), 'sqlserver');
    assert.equal(engineOfUrl('sqlite:///tmp/a.db'), 'sqlite');
    assert.equal(engineOfUrl('Host=x;Database=y'), undefined);
    assert.equal(engineOfUrl('oracle://x'), undefined);
  });
});

describe('stripPassword on ADO.NET connection strings', () => {
  it('removes Password= and keeps the other keys in order', () => {
    const result = stripPassword('Host=localhost;Username=app;Password=secret;Database=shop');
    assert.equal(result.connectionString, 'Host=localhost;Username=app;Database=shop');
    assert.equal(result.password, 'secret');
  });

  it('reads a quoted value with a semicolon and a doubled quote', () => {
    const result = stripPassword('Server=tcp:sql,1433;User ID=sa;Pwd="a;b""c";Encrypt=true');
    assert.equal(result.connectionString, 'Server=tcp:sql,1433;User ID=sa;Encrypt=true');
    assert.equal(result.password, 'a;b"c');
  });

  it('matches the key whatever its case and spacing', () => {
    const result = stripPassword(" PassWord = 'hunter2' ;Host=h");
    assert.equal(result.connectionString, 'Host=h');
    assert.equal(result.password, 'hunter2');
  });

  it('leaves a string without a password alone', () => {
    const result = stripPassword('Data Source=samples/shop.db;Mode=ReadOnly;');
    assert.equal(result.connectionString, 'Data Source=samples/shop.db;Mode=ReadOnly');
    assert.equal(result.password, null);
  });

  it('never leaves the password anywhere in the result', () => {
    for (const input of [
      'Server=x;Password=Tr0ub4dor&3;Password=Tr0ub4dor&3',
      'Server=x;password="Tr0ub4dor&3"',
      'mysql://u:Tr0ub4dor%263@h/db?pwd=Tr0ub4dor%263',
    ]) {
      const result = stripPassword(input);
      assert.equal(result.password, 'Tr0ub4dor&3', input);
      assert.ok(!result.connectionString.includes('Tr0ub4dor'), `${input} → ${result.connectionString}`);
    }
  });
});
