//go:build !go1.27

//go:debug asynctimerchan=1

package main
