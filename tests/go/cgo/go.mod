module example.com/fixtures/cgo

go 1.21
