module example.com/fixtures/cgoleaks

go 1.21
