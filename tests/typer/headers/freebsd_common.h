/* Base typedefs shared by both FreeBSD-style test layouts (amd64 sizes). */
#ifndef FREEBSD_COMMON_H
#define FREEBSD_COMMON_H
typedef int pid_t;
typedef int lwpid_t;
typedef long id_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned char u_char;
typedef unsigned int u_int;
typedef unsigned int uint_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef long long int64_t;
typedef unsigned long uintptr_t;
typedef long long sbintime_t;
#endif
