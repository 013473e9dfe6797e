BEGIN { x = 0x1234567812345678123; c = 'abcdefghij'; }
ÿþ
