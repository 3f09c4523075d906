// An assembly file allows body-less Go function declarations in package lib.
