/* curlwpsinfo is a translated pointer, not a value a key can hold. */
BEGIN { @a[curlwpsinfo] = count(); }
