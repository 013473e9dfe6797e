/* print(*curpsinfo): the whole translation, built once per arm. */
BEGIN
{
	print(*curpsinfo);
}
