module example.com/samples/map-cache

go 1.21
